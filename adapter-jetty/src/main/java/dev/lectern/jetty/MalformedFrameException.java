package dev.lectern.jetty;

/** A frame that cannot be decoded; its message says why and never contains a token. */
public final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String reason) {
        super(reason);
    }
}
