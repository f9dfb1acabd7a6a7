package dev.lectern.domain.archfixture;

/** Planted violation: Guice in the domain. */
public class DomainUsingGuice {
    public com.google.inject.Injector injector() {
        return com.google.inject.Guice.createInjector();
    }
}
