package dev.lectern.gateway;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ExplicitAuthFlowsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.TimeUnitsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * cognito-local (npm package {@code cognito-local}, pinned in .ci/run) started on a free port with a data
 * folder of its own, and set up through the real AWS SDK's admin calls. Where it is not installed the
 * tests are skipped with a message saying how to install it; with {@code LECTERN_REQUIRE_COGNITO_LOCAL}
 * set (CI sets it) they fail instead.
 */
public final class CognitoLocal implements AutoCloseable {
    static final String VERSION = "5.3.0";

    private volatile Process process;
    private final String binary;
    private final Path dataDir;
    public final int port;
    public final URI endpoint;
    public final CognitoIdentityProviderClient admin;

    private CognitoLocal(Process process, Path dataDir, int port, String binary) {
        this.process = process;
        this.binary = binary;
        this.dataDir = dataDir;
        this.port = port;
        this.endpoint = URI.create("http://localhost:" + port);
        this.admin = CognitoIdentityProviderClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** Starts cognito-local, or skips (fails in CI) where it is not installed. */
    public static CognitoLocal start() throws Exception {
        String binary = locate();
        if (binary == null) {
            String how = "cognito-local is not installed: run `npm install -g cognito-local@" + VERSION
                    + "` (or set LECTERN_COGNITO_LOCAL to its executable)";
            if (System.getenv("LECTERN_REQUIRE_COGNITO_LOCAL") != null) {
                throw new IllegalStateException(how + "; LECTERN_REQUIRE_COGNITO_LOCAL is set, so this is a failure");
            }
            Assumptions.abort(how);
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path dataDir = Files.createTempDirectory("cognito-local-");
        Process process = launch(binary, dataDir, port);
        return new CognitoLocal(process, dataDir, port, binary);
    }

    /** Starts cognito-local on {@code port} over {@code dataDir} and waits until it says it runs. */
    private static Process launch(String binary, Path dataDir, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(binary).directory(dataDir.toFile()).redirectErrorStream(true);
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("DEBUG", "0");
        Process process = pb.start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("Cognito Local running")) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IOException("cognito-local exited before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "cognito-local-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("cognito-local did not start on port " + port, e);
        }
        return process;
    }

    /** Stops cognito-local, keeping its pools, users and keys on disk: an outage. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Starts it again on the same port with the same data, after {@link #stop()}. */
    public void startAgain() throws Exception {
        process = launch(binary, dataDir, port);
    }

    private static String locate() {
        String explicit = System.getenv("LECTERN_COGNITO_LOCAL");
        if (explicit != null && new File(explicit).canExecute()) {
            return explicit;
        }
        for (Path candidate : new Path[] {Path.of("..", "node_modules", ".bin", "cognito-local"),
                Path.of("node_modules", ".bin", "cognito-local")}) {
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "cognito-local");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    public String createPool(String name) {
        return admin.createUserPool(r -> r.poolName(name)).userPool().id();
    }

    /** An app client with USER_PASSWORD_AUTH and refresh enabled, ID tokens valid for {@code idTokenValidity}. */
    public UserPoolClientType createClient(String poolId, boolean withSecret, Duration idTokenValidity) {
        return admin.createUserPoolClient(r -> r.userPoolId(poolId).clientName("lectern-" + (withSecret ? "secret" : "public"))
                .generateSecret(withSecret)
                .explicitAuthFlows(ExplicitAuthFlowsType.ALLOW_USER_PASSWORD_AUTH, ExplicitAuthFlowsType.ALLOW_REFRESH_TOKEN_AUTH)
                .idTokenValidity((int) idTokenValidity.toSeconds())
                .tokenValidityUnits(u -> u.idToken(TimeUnitsType.SECONDS))).userPoolClient();
    }

    /** A confirmed user with a permanent password. cognito-local wants e-mail addresses as user names. */
    public void createUser(String poolId, String email, String password) {
        admin.adminCreateUser(r -> r.userPoolId(poolId).username(email).temporaryPassword(password + "-tmp")
                .messageAction(MessageActionType.SUPPRESS)
                .userAttributes(software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType.builder()
                        .name("email").value(email).build()));
        admin.adminSetUserPassword(r -> r.userPoolId(poolId).username(email).password(password).permanent(true));
    }

    /** The issuer cognito-local writes into its tokens. */
    public String issuer(String poolId) {
        return "http://localhost:" + port + "/" + poolId;
    }

    public URI jwks(String poolId) {
        return URI.create(issuer(poolId) + "/.well-known/jwks.json");
    }

    @Override
    public void close() throws IOException {
        admin.close();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
