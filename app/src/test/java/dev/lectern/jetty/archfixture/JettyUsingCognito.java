package dev.lectern.jetty.archfixture;

/** Planted violation: one adapter reaching into another. */
public class JettyUsingCognito {
    public String hash() {
        return dev.lectern.cognito.SecretHash.of("u", "c", "s");
    }
}
