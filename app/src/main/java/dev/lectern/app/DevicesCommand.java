package dev.lectern.app;

import dev.lectern.javasound.AudioDevices;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lectern devices}: the capture and playback devices Java Sound sees, by the names --device takes. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists the capture and playback devices, by the names --device takes.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        print(out, "capture devices (speak --device)", AudioDevices.capture());
        print(out, "playback devices (listen --device)", AudioDevices.playback());
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String title, List<AudioDevices.Device> devices) {
        out.println(title + ":");
        if (devices.isEmpty()) {
            out.println("  none (a machine without a sound card: use --input FILE.wav or --output FILE.wav)");
        }
        for (AudioDevices.Device d : devices) {
            out.println("  " + d);
        }
    }
}
