package dev.lectern.port;

/**
 * An {@link AudioSink} can no longer play (a full disk, a file that cannot be written, a device gone). Thrown
 * from {@code play} or {@code gap}; the client then ends with {@code SINK_FAILED} and says why, instead of
 * failing every chunk that follows. The message names what failed (the file or device) and the cause.
 */
public class AudioSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AudioSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
