package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The gateway's command refuses to listen beyond loopback with no authentication unless told so, and
 * takes the TLS password from the environment or a file, never from a flag.
 */
class GatewayCommandEdgeTest {
    @TempDir
    Path dir;

    static GatewayCommand parsed(Map<String, String> env, String... args) {
        GatewayCommand command = new GatewayCommand();
        command.env = env::get;
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void aNonLoopbackAddressWithNoAuthIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> parsed(Map.of(), "--host", "0.0.0.0", "--port", "0").gateway())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--host 0.0.0.0").hasMessageContaining("--auth jwks").hasMessageContaining("--allow-remote-without-auth");
        assertThat(parsed(Map.of(), "--host", "0.0.0.0", "--port", "0", "--allow-remote-without-auth").gateway()).isNotNull();
        assertThat(parsed(Map.of(), "--host", "127.0.0.1", "--port", "0").gateway()).isNotNull();
    }

    @Test
    void theTlsPasswordComesFromTheEnvironmentOrAFileAndThereIsNoFlagForIt() throws Exception {
        Path store = TestCertificates.selfSigned(dir.resolve("gw.p12"));
        try (LocalGateway fromEnv = parsed(Map.of("LECTERN_TLS_PASSWORD", TestCertificates.PASSWORD), "--port", "0",
                "--tls-keystore", store.toString()).gateway()) {
            URI uri = fromEnv.start();
            assertThat(uri.getScheme()).isEqualTo("wss");
        }
        Path file = Files.writeString(dir.resolve("password"), TestCertificates.PASSWORD + "\n");
        try (LocalGateway fromFile = parsed(Map.of(), "--port", "0", "--tls-keystore", store.toString(), "--tls-password-file",
                file.toString()).gateway()) {
            assertThat(fromFile.start().getScheme()).isEqualTo("wss");
        }
        assertThatThrownBy(() -> parsed(Map.of(), "--tls-password", "changeit")).isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    }
}
