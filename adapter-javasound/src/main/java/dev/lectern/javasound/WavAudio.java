package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads WAV audio into Lectern chunks and writes chunks back to WAV. Input in another PCM layout
 * (sample rate, channels, sample size, byte order) is converted to 16 kHz 16-bit mono little-endian by
 * Java Sound where it can; otherwise the error names the format found.
 */
public final class WavAudio {
    /** Lectern's wire format. */
    public static final AudioFormat LECTERN_PCM = new AudioFormat(AudioChunk.SAMPLE_RATE, 16, 1, true, false);

    private WavAudio() {}

    /** Reads all of {@code wav} into chunks of {@code chunkMillis} (the last may be shorter). */
    public static List<AudioChunk> read(InputStream wav, int chunkMillis) throws IOException {
        try (ChunkReader reader = open(wav, chunkMillis)) {
            List<AudioChunk> chunks = new ArrayList<>();
            AudioChunk chunk;
            while ((chunk = reader.next()) != null) {
                chunks.add(chunk);
            }
            return chunks;
        }
    }

    /**
     * Opens {@code wav} to be read a chunk of {@code chunkMillis} at a time, so a file of any length is read
     * in constant memory. The header is read (and the format checked) now; the reader closes {@code wav}.
     */
    public static ChunkReader open(InputStream wav, int chunkMillis) throws IOException {
        if (chunkMillis <= 0 || chunkMillis > 500) {
            throw new IllegalArgumentException("chunkMillis must be between 1 and 500, was: " + chunkMillis);
        }
        AudioInputStream source;
        try {
            source = AudioSystem.getAudioInputStream(wav.markSupported() ? wav : new java.io.BufferedInputStream(wav));
        } catch (UnsupportedAudioFileException e) {
            wav.close();
            throw new IOException("not a WAV file Java Sound can read: " + e.getMessage(), e);
        }
        try {
            return new ChunkReader(toLecternPcm(source), AudioChunk.BYTES_PER_SECOND / 1000 * chunkMillis);
        } catch (IOException e) {
            source.close();
            throw e;
        }
    }

    /** WAV audio read a chunk at a time, in Lectern's format. Not thread-safe. */
    public static final class ChunkReader implements java.io.Closeable {
        private final AudioInputStream pcm;
        private final byte[] buffer;
        private boolean ended;

        private ChunkReader(AudioInputStream pcm, int chunkBytes) {
            this.pcm = pcm;
            this.buffer = new byte[chunkBytes];
        }

        /** The next chunk (the last may be shorter), or null at the end of the audio. */
        public AudioChunk next() throws IOException {
            while (!ended) {
                int filled = pcm.readNBytes(buffer, 0, buffer.length);
                ended = filled < buffer.length;
                int even = filled - (filled % 2);
                if (even > 0) {
                    return AudioChunk.of(even == buffer.length ? buffer : Arrays.copyOf(buffer, even));
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            pcm.close();
        }
    }

    /** Writes {@code chunks} as one WAV file in Lectern's format. */
    public static byte[] write(List<AudioChunk> chunks) throws IOException {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        for (AudioChunk chunk : chunks) {
            pcm.write(chunk.pcm());
        }
        byte[] bytes = pcm.toByteArray();
        ByteArrayOutputStream wav = new ByteArrayOutputStream(bytes.length + 64);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes), LECTERN_PCM, bytes.length / 2)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav);
        }
        return wav.toByteArray();
    }

    private static AudioInputStream toLecternPcm(AudioInputStream source) throws IOException {
        AudioFormat format = source.getFormat();
        if (matches(format)) {
            return source;
        }
        try {
            AudioInputStream signed = format.getEncoding() == AudioFormat.Encoding.PCM_SIGNED ? source
                    : AudioSystem.getAudioInputStream(AudioFormat.Encoding.PCM_SIGNED, source);
            return AudioSystem.getAudioInputStream(LECTERN_PCM, signed);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot convert " + format + " to " + LECTERN_PCM, e);
        }
    }

    private static boolean matches(AudioFormat f) {
        return f.getEncoding() == AudioFormat.Encoding.PCM_SIGNED && f.getSampleRate() == AudioChunk.SAMPLE_RATE
                && f.getSampleSizeInBits() == 16 && f.getChannels() == 1 && !f.isBigEndian();
    }
}
