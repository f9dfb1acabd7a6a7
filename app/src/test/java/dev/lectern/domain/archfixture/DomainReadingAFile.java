package dev.lectern.domain.archfixture;

/** Planted violation: the domain doing I/O. Analysed only by the rule-checking test. */
public class DomainReadingAFile {
    public boolean exists(String path) {
        return new java.io.File(path).exists();
    }
}
