package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Certificates for tests that serve TLS on loopback, made by the JDK's keytool. */
public final class TestCertificates {
    /** The password of every key store made here. */
    public static final String PASSWORD = "changeit";

    private TestCertificates() {}

    /** A PKCS12 key store at {@code file} with a self-signed certificate for localhost and 127.0.0.1. */
    public static Path selfSigned(Path file) throws Exception {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        assertThat(Files.size(file)).isPositive();
        return file;
    }
}
