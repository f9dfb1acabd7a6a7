package dev.lectern.client.archfixture;

/** Planted violations: ports printing to stdout, depending on Guice, and a field-injected member. */
public class PortsPrintingAndInjecting {
    @com.google.inject.Inject
    Object injected;

    public void shout() {
        System.out.println("hello");
    }
}
