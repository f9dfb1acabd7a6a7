package dev.lectern.javasound;

/** No such device, or none that can give or take the format asked for; the message lists what exists. */
public final class AudioDeviceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public AudioDeviceException(String message) {
        super(message);
    }

    public AudioDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
