package dev.lectern.javasound.archfixture;

/** Planted violation: one adapter reaching into another. */
public class JavaSoundUsingJetty {
    public String encode() {
        return dev.lectern.jetty.ConnectUrls.encode("x");
    }
}
