package dev.lectern.jetty.archfixture;

/** Planted: a client class writing a frame with Jackson's object mapper. */
public final class JettyWritingWithTheMapper {
    public String write(Object message) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(message);
    }
}
