package dev.lectern.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A text frame's JSON and its UTF-8 bytes, encoded once however many connections it is written to: an
 * audio frame goes to every listener of its language, and encoding it for each of them was work and
 * garbage in proportion to the listeners.
 */
final class EncodedText {
    private final String text;
    private final byte[] utf8;

    EncodedText(String text) {
        this.text = text;
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
    }

    String text() {
        return text;
    }

    /** Its size in bytes on the wire, before the frame's header. */
    int size() {
        return utf8.length;
    }

    /** The bytes, in a buffer of the caller's own; never written to. */
    ByteBuffer payload() {
        return ByteBuffer.wrap(utf8);
    }

    @Override
    public String toString() {
        return text;
    }
}
