package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import dev.lectern.port.AudioSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.TargetDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures from a microphone or line input through Java Sound: the default device, or the first whose
 * name contains the one given. Delivers exact 100 ms chunks of 16 kHz 16-bit mono little-endian PCM in
 * capture order, from its own thread; a device that cannot give that format directly is opened in one it
 * can, and Java Sound converts. {@link #stop()} releases the line. No device, or no usable format: an
 * {@link AudioDeviceException} naming the device and the format, and listing the devices there are.
 */
public final class JavaSoundSource implements AudioSource {
    private static final Logger log = LoggerFactory.getLogger(JavaSoundSource.class);

    private final TargetDataLine line;
    private final InputStream pcm;
    private final String device;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Thread reader;

    private JavaSoundSource(Lines.Opened<TargetDataLine> opened, String device) {
        this.line = opened.line();
        this.device = device;
        AudioInputStream raw = new AudioInputStream(line);
        this.pcm = opened.format().matches(WavAudio.LECTERN_PCM) ? raw : AudioSystem.getAudioInputStream(WavAudio.LECTERN_PCM, raw);
    }

    /** Opens {@code device} (null: the default capture device); capture starts with {@link #start}. */
    public static JavaSoundSource open(String device) {
        Lines.Opened<TargetDataLine> opened = Lines.open(device, TargetDataLine.class, 500);
        log.info("Capturing from {} in {}", opened.line().getLineInfo(), opened.format());
        return new JavaSoundSource(opened, device);
    }

    /** The format the device delivers (before conversion to Lectern's). */
    public javax.sound.sampled.AudioFormat deviceFormat() {
        return line.getFormat();
    }

    @Override
    public void start(Consumer<AudioChunk> consumer) {
        Objects.requireNonNull(consumer, "consumer is null");
        if (stopped.get() || !started.compareAndSet(false, true)) {
            return;
        }
        line.start();
        Thread t = new Thread(() -> capture(consumer), "lectern-capture");
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    private void capture(Consumer<AudioChunk> consumer) {
        byte[] chunk = new byte[AudioChunk.BYTES_PER_100_MS];
        try {
            while (!stopped.get()) {
                int n = pcm.readNBytes(chunk, 0, chunk.length);
                if (n < chunk.length || stopped.get()) {
                    break; // the line was closed under us, or the device ended
                }
                consumer.accept(AudioChunk.of(chunk));
            }
        } catch (IOException e) {
            if (!stopped.get()) {
                log.warn("Capture from {} failed: {}", device == null ? "the default device" : device, e.toString());
            }
        }
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        line.stop();
        line.close();
        Thread t = reader;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
