package dev.lectern.javasound;

import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.Mixer;

/** Opening a capture or playback line in Lectern's format, or in one Java Sound converts from or to it. */
final class Lines {
    private static final float[] RATES = {48_000f, 44_100f, 32_000f, 16_000f, 22_050f, 8_000f};

    private Lines() {}

    /** A line and the format it was opened in (Lectern's, or one to convert). */
    record Opened<L extends DataLine>(L line, AudioFormat format) {}

    static <L extends DataLine> Opened<L> open(String device, Class<L> kind, int bufferMillis) {
        Mixer mixer = AudioDevices.find(device, kind);
        String where = device == null ? "the default " + AudioDevices.what(kind) + " device" : "'" + device + "'";
        List<AudioFormat> candidates = new ArrayList<>();
        candidates.add(WavAudio.LECTERN_PCM);
        List<String> offered = new ArrayList<>();
        for (AudioFormat declared : declaredFormats(mixer, kind)) {
            offered.add(declared.toString());
            candidates.addAll(concrete(declared));
        }
        for (AudioFormat format : candidates) {
            DataLine.Info info = new DataLine.Info(kind, format);
            boolean supported = mixer == null ? AudioSystem.isLineSupported(info) : mixer.isLineSupported(info);
            boolean convertible = format.matches(WavAudio.LECTERN_PCM)
                    || (kind == javax.sound.sampled.TargetDataLine.class
                            ? AudioSystem.isConversionSupported(WavAudio.LECTERN_PCM, format)
                            : AudioSystem.isConversionSupported(format, WavAudio.LECTERN_PCM));
            if (!supported || !convertible) {
                continue;
            }
            try {
                L line = kind.cast(mixer == null ? AudioSystem.getLine(info) : mixer.getLine(info));
                int bytes = Math.max(format.getFrameSize(), (int) (format.getFrameRate() * format.getFrameSize() * bufferMillis / 1000));
                if (line instanceof javax.sound.sampled.TargetDataLine t) {
                    t.open(format, bytes);
                } else if (line instanceof javax.sound.sampled.SourceDataLine s) {
                    s.open(format, bytes);
                }
                return new Opened<>(line, format);
            } catch (LineUnavailableException | IllegalArgumentException e) {
                throw new AudioDeviceException(where + " could not be opened in " + format + ": " + e.getMessage(), e);
            }
        }
        throw new AudioDeviceException(where + " cannot " + (kind == javax.sound.sampled.TargetDataLine.class ? "give" : "take")
                + " " + WavAudio.LECTERN_PCM + " nor a format Java Sound converts "
                + (kind == javax.sound.sampled.TargetDataLine.class ? "to" : "from") + " it"
                + (offered.isEmpty() ? "" : "; it offers " + String.join(", ", offered)) + "; " + AudioDevices.listing(kind));
    }

    private static List<AudioFormat> declaredFormats(Mixer mixer, Class<? extends DataLine> kind) {
        Line.Info[] infos = mixer != null
                ? (kind == javax.sound.sampled.TargetDataLine.class ? mixer.getTargetLineInfo() : mixer.getSourceLineInfo())
                : (kind == javax.sound.sampled.TargetDataLine.class ? AudioSystem.getTargetLineInfo(new Line.Info(kind))
                        : AudioSystem.getSourceLineInfo(new Line.Info(kind)));
        List<AudioFormat> out = new ArrayList<>();
        for (Line.Info info : infos) {
            if (info instanceof DataLine.Info data) {
                out.addAll(List.of(data.getFormats()));
            }
        }
        return out;
    }

    /** A declared format with its unspecified rate or channels filled in with the usual values. */
    private static List<AudioFormat> concrete(AudioFormat f) {
        List<AudioFormat> out = new ArrayList<>();
        if (!(f.getEncoding() == AudioFormat.Encoding.PCM_SIGNED || f.getEncoding() == AudioFormat.Encoding.PCM_UNSIGNED)
                || f.getSampleSizeInBits() == AudioSystem.NOT_SPECIFIED) {
            return out;
        }
        int[] channels = f.getChannels() == AudioSystem.NOT_SPECIFIED ? new int[] {1, 2} : new int[] {f.getChannels()};
        float[] rates = f.getSampleRate() == AudioSystem.NOT_SPECIFIED ? RATES : new float[] {f.getSampleRate()};
        for (float rate : rates) {
            for (int c : channels) {
                out.add(new AudioFormat(f.getEncoding(), rate, f.getSampleSizeInBits(), c,
                        (f.getSampleSizeInBits() + 7) / 8 * c, rate, f.isBigEndian()));
            }
        }
        return out;
    }
}
