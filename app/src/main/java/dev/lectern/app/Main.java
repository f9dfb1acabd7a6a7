package dev.lectern.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar app/target/lectern.jar <command>}. */
@Command(name = "lectern", mixinStandardHelpOptions = true, version = "Lectern 0.1.0",
        description = "Live-translation broadcasting over WebSocket: reference runner.",
        subcommands = {DemoCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
