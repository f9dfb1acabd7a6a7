package dev.lectern.gateway.archfixture;

/** Planted: a gateway protocol class reaching for Jetty. */
public final class ProtocolUsingJetty {
    public String status() {
        return org.eclipse.jetty.http.HttpStatus.getMessage(404);
    }
}
