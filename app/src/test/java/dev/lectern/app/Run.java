package dev.lectern.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the runner in this JVM, with what it wrote. */
record Run(int exit, String out, String err) {

    static Run of(String... args) {
        return of(Main.commandLine(), args);
    }

    static Run of(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The last line of standard output (where --json puts its object). */
    String lastLine() {
        String[] lines = out.strip().split("\\R");
        return lines[lines.length - 1];
    }
}
