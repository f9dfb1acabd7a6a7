package dev.lectern.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.lectern.javasound.JavaSoundSink;
import dev.lectern.javasound.JavaSoundSource;
import dev.lectern.javasound.WavFileSource;
import dev.lectern.port.AudioSink;
import dev.lectern.port.AudioSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Where a speaker's audio comes from and where a listener's goes: a sound device through Java Sound, or
 * a WAV file. One small module each, so a command installs the one it needs instead of branching; the
 * device or file is opened when the injector first hands it out, never while modules are configured.
 */
public final class AudioModules {
    private AudioModules() {}

    /** {@link AudioSource} from a capture device; {@code device} null for the default. */
    public static AbstractModule microphone(String device) {
        return new AbstractModule() {
            @Provides
            @Singleton
            AudioSource source() {
                return JavaSoundSource.open(device);
            }
        };
    }

    /** {@link AudioSink} to a playback device; {@code device} null for the default. */
    public static AbstractModule speakers(String device) {
        return new AbstractModule() {
            @Provides
            @Singleton
            AudioSink sink() {
                return JavaSoundSink.open(device);
            }
        };
    }

    /** {@link AudioSource} streaming a WAV file in real time, optionally looping. */
    public static AbstractModule wavInput(Path file, boolean loop) {
        return new AbstractModule() {
            @Provides
            @Singleton
            AudioSource source() {
                if (!java.nio.file.Files.exists(file)) {
                    throw new UncheckedIOException(new java.io.FileNotFoundException("cannot read " + file
                            + ": there is no such file; give a WAV file, or --input mic for a capture device"));
                }
                try {
                    return WavFileSource.open(file, loop);
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e);
                }
            }
        };
    }

    /** {@link AudioSink} writing a WAV file, gaps as silence; the file is created once the listener joined. */
    public static AbstractModule wavOutput(Path file) {
        return new AbstractModule() {
            @Provides
            @Singleton
            AudioSink sink() {
                return new DeferredWavSink(file);
            }
        };
    }
}
