package dev.lectern.app.wiring;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.javasound.WavFileSink;
import dev.lectern.port.AudioSink;
import java.io.IOException;
import dev.lectern.port.AudioSinkException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A WAV file sink that creates its file only when the listener has joined ({@link #open()}) or first
 * writes: a listener that never joins leaves no file, and an existing file is not touched before then.
 */
public final class DeferredWavSink implements AudioSink {
    private final Path file;
    private WavFileSink sink;
    private boolean closed;

    DeferredWavSink(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Creates the file now (the listener joined). Idempotent. @throws AudioSinkException if it cannot be written */
    public synchronized void open() {
        sink();
    }

    private synchronized WavFileSink sink() {
        if (sink == null && !closed) {
            try {
                sink = WavFileSink.create(file);
            } catch (IOException e) {
                throw new AudioSinkException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
        return sink;
    }

    @Override
    public void play(SequenceNumber sequence, AudioChunk audio) {
        WavFileSink s = sink();
        if (s != null) {
            s.play(sequence, audio);
        }
    }

    @Override
    public void gap(Duration missing) {
        WavFileSink s = sink();
        if (s != null) {
            s.gap(missing);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (sink != null) {
            sink.close();
        }
    }
}
