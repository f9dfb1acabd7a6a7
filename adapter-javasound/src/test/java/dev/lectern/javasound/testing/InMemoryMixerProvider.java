package dev.lectern.javasound.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.Control;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineListener;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;
import javax.sound.sampled.spi.MixerProvider;

/**
 * Sound devices for a machine without a sound card, registered for the tests as a Java Sound service: a
 * microphone that only gives 48 kHz 16-bit stereo (a 440 Hz tone), one that gives Lectern's own 16 kHz
 * mono (a counting ramp, to check order), and speakers that take 16 kHz mono and keep what they played.
 * The lines run at the device's real pace: a read waits until that much audio has been "captured", a
 * write waits while the device's buffer is full. Java Sound finds them the way it finds a sound card's.
 */
public final class InMemoryMixerProvider extends MixerProvider {
    public static final AudioFormat STEREO_48K = new AudioFormat(48_000f, 16, 2, true, false);
    public static final AudioFormat MONO_16K = new AudioFormat(16_000f, 16, 1, true, false);

    public static final TestMixer TONE_MIC = new TestMixer("Lectern Test Microphone 48k", STEREO_48K, true,
            frame -> (int) (Math.sin(2 * Math.PI * 440 * frame / 48_000.0) * 12_000));
    public static final TestMixer RAMP_MIC = new TestMixer("Lectern Test Microphone 16k", MONO_16K, true,
            frame -> (short) frame);
    public static final TestMixer SPEAKERS = new TestMixer("Lectern Test Speakers", MONO_16K, false, null);
    /** A microphone in an encoding Java Sound cannot convert from. */
    public static final TestMixer OPUS_MIC = new TestMixer("Lectern Test Microphone Opus",
            new AudioFormat(new AudioFormat.Encoding("OPUS"), 48_000f, 16, 1, 2, 48_000f, false), true, frame -> 0);

    private static final TestMixer[] ALL = {TONE_MIC, RAMP_MIC, SPEAKERS, OPUS_MIC};

    @Override
    public Mixer.Info[] getMixerInfo() {
        Mixer.Info[] out = new Mixer.Info[ALL.length];
        for (int i = 0; i < ALL.length; i++) {
            out[i] = ALL[i].getMixerInfo();
        }
        return out;
    }

    @Override
    public Mixer getMixer(Mixer.Info info) {
        for (TestMixer m : ALL) {
            if (m.getMixerInfo().equals(info)) {
                return m;
            }
        }
        throw new IllegalArgumentException("not a test mixer: " + info);
    }

    /** A mixer with one line: capture or playback, in one format. */
    public static final class TestMixer implements Mixer {
        private final Mixer.Info info;
        private final DataLine.Info lineInfo;
        private final AudioFormat format;
        private final boolean capture;
        private final IntUnaryOperator signal;
        private TestLine line;

        TestMixer(String name, AudioFormat format, boolean capture, IntUnaryOperator signal) {
            this.info = new Mixer.Info(name, "Lectern tests", "in-memory " + (capture ? "capture" : "playback"), "1") {};
            this.format = format;
            this.capture = capture;
            this.signal = signal;
            this.lineInfo = new DataLine.Info(capture ? TargetDataLine.class : SourceDataLine.class, format);
        }

        /** The line last opened on this mixer, to read what it played or how it was used. */
        public synchronized TestLine line() {
            return line;
        }

        @Override
        public Mixer.Info getMixerInfo() {
            return info;
        }

        @Override
        public Line.Info[] getSourceLineInfo() {
            return capture ? new Line.Info[0] : new Line.Info[] {lineInfo};
        }

        @Override
        public Line.Info[] getTargetLineInfo() {
            return capture ? new Line.Info[] {lineInfo} : new Line.Info[0];
        }

        @Override
        public Line.Info[] getSourceLineInfo(Line.Info wanted) {
            return isLineSupported(wanted) && !capture ? getSourceLineInfo() : new Line.Info[0];
        }

        @Override
        public Line.Info[] getTargetLineInfo(Line.Info wanted) {
            return isLineSupported(wanted) && capture ? getTargetLineInfo() : new Line.Info[0];
        }

        @Override
        public boolean isLineSupported(Line.Info wanted) {
            return wanted.matches(lineInfo); // as Java Sound's own mixers do: what is asked for, against what is offered
        }

        @Override
        public synchronized Line getLine(Line.Info wanted) throws LineUnavailableException {
            if (!isLineSupported(wanted)) {
                throw new IllegalArgumentException("not supported: " + wanted);
            }
            line = new TestLine(lineInfo, format, capture, signal);
            return line;
        }

        @Override
        public int getMaxLines(Line.Info wanted) {
            return isLineSupported(wanted) ? AudioSystem.NOT_SPECIFIED : 0;
        }

        @Override
        public Line[] getSourceLines() {
            return new Line[0];
        }

        @Override
        public Line[] getTargetLines() {
            return new Line[0];
        }

        @Override
        public void synchronize(Line[] lines, boolean maintainSync) {
            throw new IllegalArgumentException("no synchronization");
        }

        @Override
        public void unsynchronize(Line[] lines) {}

        @Override
        public boolean isSynchronizationSupported(Line[] lines, boolean maintainSync) {
            return false;
        }

        @Override
        public Line.Info getLineInfo() {
            return new Line.Info(Mixer.class);
        }

        @Override
        public void open() {}

        @Override
        public void close() {}

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public Control[] getControls() {
            return new Control[0];
        }

        @Override
        public boolean isControlSupported(Control.Type control) {
            return false;
        }

        @Override
        public Control getControl(Control.Type control) {
            throw new IllegalArgumentException("no controls");
        }

        @Override
        public void addLineListener(LineListener listener) {}

        @Override
        public void removeLineListener(LineListener listener) {}
    }

    /** A capture or playback line that keeps real time with {@link System#nanoTime()}. */
    public static final class TestLine implements TargetDataLine, SourceDataLine {
        private final DataLine.Info info;
        private final AudioFormat format;
        private final boolean capture;
        private final IntUnaryOperator signal;
        private final ByteArrayOutputStream played = new ByteArrayOutputStream();
        private final List<Long> writeSizes = new ArrayList<>();
        private volatile boolean open;
        private volatile boolean running;
        private volatile boolean stalled;
        private int bufferSize;
        private long startedNanos;
        private long framesDone; // captured and read, or written
        private long maxFramesAhead;

        TestLine(DataLine.Info info, AudioFormat format, boolean capture, IntUnaryOperator signal) {
            this.info = info;
            this.format = format;
            this.capture = capture;
            this.signal = signal;
        }

        /** Stalls (true) or frees (false) the device: while stalled, a write takes nothing, as a hung driver. */
        public void stall(boolean value) {
            stalled = value;
        }

        /** Everything written to these speakers, in the line's format. */
        public synchronized byte[] played() {
            return played.toByteArray();
        }

        private long framesByNow() {
            return running ? (System.nanoTime() - startedNanos) * (long) format.getFrameRate() / 1_000_000_000L : 0;
        }

        @Override
        public void open(AudioFormat f, int size) throws LineUnavailableException {
            if (!f.matches(format)) {
                throw new IllegalArgumentException("format " + f + " not supported; only " + format);
            }
            bufferSize = Math.max(format.getFrameSize(), size - size % format.getFrameSize());
            maxFramesAhead = bufferSize / format.getFrameSize();
            open = true;
        }

        @Override
        public void open(AudioFormat f) throws LineUnavailableException {
            open(f, (int) format.getFrameRate() * format.getFrameSize() / 2);
        }

        @Override
        public void open() throws LineUnavailableException {
            open(format);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int frameSize = format.getFrameSize();
            int frames = len / frameSize;
            int done = 0;
            while (done < frames && open) {
                long ready = framesByNow() - framesDone;
                if (ready <= 0) {
                    LockSupport.parkNanos(1_000_000); // the device's own pace
                    continue;
                }
                int n = (int) Math.min(ready, frames - done);
                for (int i = 0; i < n; i++) {
                    int sample = signal.applyAsInt((int) (framesDone + i));
                    for (int c = 0; c < format.getChannels(); c++) {
                        int at = off + (done + i) * frameSize + c * 2;
                        b[at] = (byte) sample;
                        b[at + 1] = (byte) (sample >> 8);
                    }
                }
                framesDone += n;
                done += n;
            }
            return done * frameSize;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            int frameSize = format.getFrameSize();
            int frames = len / frameSize;
            int done = 0;
            while (done < frames && open) {
                long room = maxFramesAhead - (framesDone - framesByNow());
                if (!running || stalled || room <= 0) {
                    LockSupport.parkNanos(1_000_000); // the device plays at its own pace
                    continue;
                }
                int n = (int) Math.min(room, frames - done);
                synchronized (this) {
                    played.write(b, off + done * frameSize, n * frameSize);
                    writeSizes.add((long) n * frameSize);
                }
                framesDone += n;
                done += n;
            }
            return done * frameSize;
        }

        @Override
        public void start() {
            if (!running) {
                startedNanos = System.nanoTime() - framesDone * 1_000_000_000L / (long) format.getFrameRate();
                running = true;
            }
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public void close() {
            open = false;
            running = false;
        }

        @Override
        public void drain() {}

        @Override
        public void flush() {}

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public boolean isActive() {
            return running;
        }

        @Override
        public AudioFormat getFormat() {
            return format;
        }

        @Override
        public int getBufferSize() {
            return bufferSize;
        }

        @Override
        public int available() {
            return bufferSize;
        }

        @Override
        public int getFramePosition() {
            return (int) framesDone;
        }

        @Override
        public long getLongFramePosition() {
            return framesDone;
        }

        @Override
        public long getMicrosecondPosition() {
            return framesDone * 1_000_000L / (long) format.getFrameRate();
        }

        @Override
        public float getLevel() {
            return AudioSystem.NOT_SPECIFIED;
        }

        @Override
        public Line.Info getLineInfo() {
            return info;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public Control[] getControls() {
            return new Control[0];
        }

        @Override
        public boolean isControlSupported(Control.Type control) {
            return false;
        }

        @Override
        public Control getControl(Control.Type control) {
            throw new IllegalArgumentException("no controls");
        }

        @Override
        public void addLineListener(LineListener listener) {}

        @Override
        public void removeLineListener(LineListener listener) {}
    }
}
