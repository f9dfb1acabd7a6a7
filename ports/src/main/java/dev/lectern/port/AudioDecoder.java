package dev.lectern.port;

import dev.lectern.domain.Checks;

/**
 * Decodes a compressed audio segment (an MP3 of the deployed service's speech synthesis) into 16-bit mono
 * PCM at the segment's own rate. Stateless and safe to share across threads; may take milliseconds, so
 * callers run it off any I/O thread.
 */
public interface AudioDecoder {

    /**
     * The PCM of {@code data}, with what the encoder added at the start and the end trimmed where the data
     * states it.
     *
     * @throws UndecodableAudioException if {@code data} holds no audio this decoder can read
     */
    Decoded decode(byte[] data) throws UndecodableAudioException;

    /** Mono 16-bit samples at {@code sampleRate} Hz. */
    record Decoded(short[] samples, int sampleRate) {
        public Decoded {
            Checks.require(samples != null, "samples", null, "must not be null");
            Checks.require(sampleRate > 0, "sampleRate", sampleRate, "must be positive");
        }
    }

    /** The data could not be decoded: not audio, cut short, or of a kind the decoder does not read. */
    final class UndecodableAudioException extends Exception {
        private static final long serialVersionUID = 1L;

        public UndecodableAudioException(String message) {
            super(message, null, false, false);
        }
    }
}
