package dev.lectern.app;

import com.google.inject.Module;
import dev.lectern.app.wiring.CognitoModule;
import dev.lectern.app.wiring.EnvironmentTokenModule;
import dev.lectern.cognito.CognitoCredentials;
import dev.lectern.cognito.CognitoSettings;
import java.net.URI;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How a command signs in, shared by {@code speak} and {@code doctor}: Cognito with a user name and app
 * client id (the password from {@code $LECTERN_PASSWORD} or a prompt, a client secret from
 * {@code $LECTERN_CLIENT_SECRET}), or an ID token in {@code $LECTERN_TOKEN}.
 */
final class SignInOptions {
    @Option(names = "--region", defaultValue = "${env:LECTERN_REGION}", description = "Cognito region (default: $LECTERN_REGION, or the user pool's).")
    String region;

    @Option(names = "--user-pool-id", paramLabel = "ID", defaultValue = "${env:LECTERN_USER_POOL_ID}",
            description = "Cognito user pool, e.g. us-east-1_AbC123; gives the region when --region is not set (default: $LECTERN_USER_POOL_ID).")
    String userPoolId;

    @Option(names = "--client-id", paramLabel = "ID", defaultValue = "${env:LECTERN_CLIENT_ID}",
            description = "Cognito app client id, with USER_PASSWORD_AUTH enabled (default: $LECTERN_CLIENT_ID).")
    String clientId;

    @Option(names = "--cognito-endpoint", paramLabel = "URL", description = "Another Cognito endpoint (cognito-local, a VPC endpoint).")
    URI cognitoEndpoint;

    @Option(names = "--username", description = "The speaker's Cognito user name.")
    String username;

    /** Whether any way to sign in was given. */
    boolean given(Function<String, String> env) {
        String token = env.apply("LECTERN_TOKEN");
        return username != null || clientId != null || (token != null && !token.isBlank());
    }

    /** The Guice module that binds the token provider these options describe; a usage error if they describe none. */
    Module module(Function<String, String> env, CommandLine cli) {
        if (username != null || clientId != null) {
            if (username == null || clientId == null) {
                throw new ParameterException(cli, "signing in with Cognito needs --username and --client-id");
            }
            String r = region != null ? region : userPoolId != null && userPoolId.contains("_") ? userPoolId.substring(0, userPoolId.indexOf('_')) : null;
            if (r == null) {
                throw new ParameterException(cli, "signing in with Cognito needs --region (or --user-pool-id, which carries it)");
            }
            CognitoSettings settings;
            try {
                CognitoSettings.Builder b = CognitoSettings.builder().region(r).clientId(clientId).clientSecret(env.apply("LECTERN_CLIENT_SECRET"));
                if (cognitoEndpoint != null) {
                    b.endpointOverride(cognitoEndpoint);
                }
                settings = b.build();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cli, e.getMessage());
            }
            return new CognitoModule(settings, CognitoCredentials.Source.of(username, password(env, cli)));
        }
        String token = env.apply("LECTERN_TOKEN");
        if (token == null || token.isBlank()) {
            throw new ParameterException(cli, "no way to sign in: give --username and --client-id (Cognito), or set LECTERN_TOKEN");
        }
        return new EnvironmentTokenModule(token);
    }

    private char[] password(Function<String, String> env, CommandLine cli) {
        String fromEnv = env.apply("LECTERN_PASSWORD");
        if (fromEnv != null) {
            return fromEnv.toCharArray();
        }
        java.io.Console console = System.console();
        if (console == null) {
            throw new ParameterException(cli, "no password: set LECTERN_PASSWORD, or run on a terminal to be asked");
        }
        char[] typed = console.readPassword("Password for %s: ", username);
        if (typed == null || typed.length == 0) {
            throw new ParameterException(cli, "no password given");
        }
        return typed;
    }
}
