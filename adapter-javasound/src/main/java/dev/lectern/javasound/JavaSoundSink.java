package dev.lectern.javasound;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.port.AudioSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.SourceDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a listener's audio through Java Sound. {@link #play} only queues: a thread of its own writes to
 * the line, which paces it at the device's speed. Playing starts once the prebuffer is filled, and starts
 * again that way whenever the queue runs dry (counted as an underrun). A reported gap is played as silence
 * of its length, so the talk keeps its timing. The queue holds at most {@code maxQueued} of audio; past it
 * the oldest is dropped and counted. {@link #close()} releases the line.
 */
public final class JavaSoundSink implements AudioSink {
    private static final Logger log = LoggerFactory.getLogger(JavaSoundSink.class);
    public static final Duration DEFAULT_PREBUFFER = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_QUEUED = Duration.ofSeconds(10);

    private final SourceDataLine line;
    private final AudioFormat deviceFormat;
    private final int prebufferBytes;
    private final long maxQueuedBytes;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean closed;
    private final Thread writer;
    private final AtomicLong underruns = new AtomicLong();
    private final AtomicLong overflowBytes = new AtomicLong();
    private final AtomicLong playedBytes = new AtomicLong();

    private JavaSoundSink(Lines.Opened<SourceDataLine> opened, Duration prebuffer, Duration maxQueued) {
        this.line = opened.line();
        this.deviceFormat = opened.format();
        this.prebufferBytes = bytes(prebuffer);
        this.maxQueuedBytes = bytes(maxQueued);
        line.start();
        writer = new Thread(this::writeLoop, "lectern-playback");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens {@code device} (null: the default playback device) with the default prebuffer and queue bound. */
    public static JavaSoundSink open(String device) {
        return open(device, DEFAULT_PREBUFFER, DEFAULT_MAX_QUEUED);
    }

    public static JavaSoundSink open(String device, Duration prebuffer, Duration maxQueued) {
        if (prebuffer == null || prebuffer.isNegative() || prebuffer.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("prebuffer must be between 0 and 5 s, was: " + prebuffer);
        }
        if (maxQueued == null || maxQueued.compareTo(prebuffer) <= 0) {
            throw new IllegalArgumentException("maxQueued must be longer than the prebuffer (" + prebuffer + "), was: " + maxQueued);
        }
        Lines.Opened<SourceDataLine> opened = Lines.open(device, SourceDataLine.class, 100);
        log.info("Playing to {} in {}", opened.line().getLineInfo(), opened.format());
        return new JavaSoundSink(opened, prebuffer, maxQueued);
    }

    private static int bytes(Duration d) {
        return (int) (d.toMillis() * AudioChunk.BYTES_PER_SECOND / 1000) & ~1;
    }

    @Override
    public void play(SequenceNumber sequence, AudioChunk audio) {
        enqueue(audio.pcm());
    }

    @Override
    public void gap(Duration missing) {
        int n = bytes(missing);
        if (n > 0) {
            enqueue(new byte[(int) Math.min(n, maxQueuedBytes)]);
        }
    }

    private synchronized void enqueue(byte[] pcm) {
        if (closed) {
            return;
        }
        queue.addLast(pcm);
        queuedBytes += pcm.length;
        while (queuedBytes > maxQueuedBytes && queue.size() > 1) {
            byte[] dropped = queue.removeFirst();
            queuedBytes -= dropped.length;
            overflowBytes.addAndGet(dropped.length);
        }
        notifyAll();
    }

    private void writeLoop() {
        try {
            while (true) {
                // prebuffer
                synchronized (this) {
                    while (!closed && queuedBytes < Math.max(2, prebufferBytes)) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                }
                // play until the queue runs dry
                while (true) {
                    byte[] next;
                    synchronized (this) {
                        if (closed) {
                            return;
                        }
                        next = queue.pollFirst();
                        if (next == null) {
                            underruns.incrementAndGet();
                            break;
                        }
                        queuedBytes -= next.length;
                    }
                    byte[] out = toDevice(next);
                    line.write(out, 0, out.length); // blocks while the device's buffer is full: the pacing
                    playedBytes.addAndGet(next.length);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] toDevice(byte[] pcm) {
        if (deviceFormat.matches(WavAudio.LECTERN_PCM)) {
            return pcm;
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(deviceFormat,
                new AudioInputStream(new ByteArrayInputStream(pcm), WavAudio.LECTERN_PCM, pcm.length / 2))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot convert to " + deviceFormat, e);
        }
    }

    /** Times the queue ran dry while playing (the device then had nothing new to play). */
    public long underruns() {
        return underruns.get();
    }

    /** Audio dropped because the queue was full, in Lectern PCM bytes. */
    public long overflowBytes() {
        return overflowBytes.get();
    }

    /** Audio written to the device so far, in Lectern PCM bytes (silence for gaps included). */
    public long playedBytes() {
        return playedBytes.get();
    }

    /** Stops playing (what is still queued is not played) and releases the line. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queuedBytes = 0;
            notifyAll();
        }
        line.stop();
        line.flush();
        line.close(); // unblocks a write in progress
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
