package dev.lectern.app;

import dev.lectern.gateway.GatewayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar app/target/lectern.jar <command>}. Exit codes: 0 success, 1 a failure at run time (the
 * reason on standard error), 2 a usage error (with the usage).
 */
@Command(name = "lectern", mixinStandardHelpOptions = true, version = "Lectern 0.1.0",
        description = "Live-translation broadcasting over WebSocket: the reference runner.",
        subcommands = {SpeakCommand.class, ListenCommand.class, GatewayCommand.class, DevicesCommand.class, DemoCommand.class,
                LoadCommand.class, DoctorCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        Logging.configure(args);
        System.exit(commandLine().execute(args));
    }

    /** The command line with the runner's error handling: a sentence, not a stack trace, and exit code 1. */
    static CommandLine commandLine() {
        return commandLine(new Main());
    }

    /** {@code command} (the runner, or one of its commands on its own, for tests) with the runner's error handling. */
    static CommandLine commandLine(Object root) {
        CommandLine cli = new CommandLine(root);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("lectern " + command.getCommandName() + ": " + RunnerCommand.explain(e));
            if (parsed.hasMatchedOption("--verbose")) {
                e.printStackTrace(command.getErr());
            }
            command.getErr().flush();
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
