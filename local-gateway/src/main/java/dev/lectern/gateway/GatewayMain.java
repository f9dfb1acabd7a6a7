package dev.lectern.gateway;

import picocli.CommandLine;

/** {@code java -jar local-gateway/target/lectern-gateway.jar [options]}: see {@link GatewayCommand}. */
public final class GatewayMain {
    private GatewayMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatewayCommand()).setCommandName("lectern-gateway").execute(args));
    }
}
