package dev.lectern.javasound;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Line;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.TargetDataLine;

/** The capture and playback devices Java Sound knows, and finding one by name. */
public final class AudioDevices {

    /** A device: its mixer's name and description, and the PCM formats its lines declare. */
    public record Device(String name, String description, List<AudioFormat> formats) {
        @Override
        public String toString() {
            return name + (description == null || description.isBlank() ? "" : " (" + description + ")");
        }
    }

    private AudioDevices() {}

    /** Devices that can capture (microphones, line inputs). */
    public static List<Device> capture() {
        return devices(TargetDataLine.class);
    }

    /** Devices that can play (speakers, headphones, line outputs). */
    public static List<Device> playback() {
        return devices(SourceDataLine.class);
    }

    private static List<Device> devices(Class<? extends Line> kind) {
        List<Device> out = new ArrayList<>();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            Mixer mixer = AudioSystem.getMixer(info);
            List<AudioFormat> formats = new ArrayList<>();
            for (Line.Info line : kind == TargetDataLine.class ? mixer.getTargetLineInfo() : mixer.getSourceLineInfo()) {
                if (line instanceof DataLine.Info data && kind.isAssignableFrom(data.getLineClass())) {
                    formats.addAll(List.of(data.getFormats()));
                }
            }
            if (!formats.isEmpty()) {
                out.add(new Device(info.getName(), info.getDescription(), List.copyOf(formats)));
            }
        }
        return out;
    }

    /**
     * The mixer to open a {@code kind} line on: the first whose name contains {@code name} (ignoring case),
     * or, for a null name, null (Java Sound's default device).
     */
    static Mixer find(String name, Class<? extends Line> kind) {
        if (name == null) {
            return null;
        }
        List<Device> candidates = kind == TargetDataLine.class ? capture() : playback();
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            if (info.getName().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT))
                    && candidates.stream().anyMatch(d -> d.name().equals(info.getName()))) {
                return AudioSystem.getMixer(info);
            }
        }
        throw new AudioDeviceException("no " + what(kind) + " device named '" + name + "'; " + listing(kind));
    }

    static String what(Class<? extends Line> kind) {
        return kind == TargetDataLine.class ? "capture" : "playback";
    }

    /** "devices: a, b" or "there are no ... devices", for error messages. */
    static String listing(Class<? extends Line> kind) {
        List<Device> devices = kind == TargetDataLine.class ? capture() : playback();
        return devices.isEmpty() ? "this machine has no " + what(kind) + " devices"
                : what(kind) + " devices: " + String.join(", ", devices.stream().map(Device::toString).toList());
    }
}
