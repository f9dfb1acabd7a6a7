package dev.lectern.cognito;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.session.LecternError;
import dev.lectern.port.TokenProvider;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InternalErrorException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidParameterException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidPasswordException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.NotAuthorizedException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.PasswordResetRequiredException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.TooManyRequestsException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotConfirmedException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;

class CognitoAdapterTest {

    static LecternError map(Throwable t) {
        return CognitoErrors.of(t, false);
    }

    @Test
    void everyCognitoFailureGetsItsMessageAndRetryClass() {
        assertThat(map(NotAuthorizedException.builder().message("Incorrect username or password.").build()))
                .isEqualTo(new LecternError("INVALID_CREDENTIALS", "Invalid username or password", 0, null, true));
        assertThat(map(InvalidPasswordException.builder().message("bad").build()).message()).isEqualTo("Invalid username or password");
        assertThat(map(UserNotFoundException.builder().message("x").build()).message()).isEqualTo("User not found");
        assertThat(map(UserNotConfirmedException.builder().message("x").build()).code()).isEqualTo("USER_NOT_CONFIRMED");
        assertThat(map(PasswordResetRequiredException.builder().message("x").build()).code()).isEqualTo("PASSWORD_RESET_REQUIRED");
        LecternError flow = map(InvalidParameterException.builder().message("USER_PASSWORD_AUTH flow not enabled for this client").build());
        assertThat(flow.code()).isEqualTo("CONFIG_ERROR");
        assertThat(flow.message()).contains("USER_PASSWORD_AUTH flow not enabled").contains("is USER_PASSWORD_AUTH enabled");
        assertThat(flow.permanent()).isTrue();
        assertThat(map(ResourceNotFoundException.builder().message("User pool client x does not exist.").build()).code()).isEqualTo("CONFIG_ERROR");
        assertThat(map(TooManyRequestsException.builder().message("slow").build()).permanent()).isFalse();
        assertThat(map(InternalErrorException.builder().message("oops").build()).permanent()).isFalse();
        assertThat(map(SdkClientException.create("Unable to execute HTTP request: Connection refused"))).satisfies(e -> {
            assertThat(e.code()).isEqualTo("NETWORK_ERROR");
            assertThat(e.permanent()).isFalse();
        });
        assertThat(map(new IllegalStateException("weird")).message()).isEqualTo("Authentication failed: weird");
        assertThat(CognitoErrors.of(NotAuthorizedException.builder().message("Refresh Token has expired").build(), true).code())
                .isEqualTo("SESSION_EXPIRED");
    }

    @Test
    void settingsValidateAndNeverPrintTheSecret() {
        CognitoSettings s = CognitoSettings.builder().region("eu-west-1").clientId("abc").clientSecret("s3cr3t").build();
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("<redacted>");
        assertThatThrownBy(() -> CognitoSettings.builder().region("Europe").clientId("abc").build())
                .hasMessageContaining("region").hasMessageContaining("'Europe'");
        assertThatThrownBy(() -> CognitoSettings.builder().region("us-east-1").build()).hasMessageContaining("clientId");
        assertThatThrownBy(() -> CognitoSettings.builder().region("us-east-1").clientId("a").renewalMargin(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("renewalMargin");
        assertThatThrownBy(() -> CognitoSettings.builder().region("us-east-1").clientId("a").endpointOverride(URI.create("ftp://x")).build())
                .hasMessageContaining("endpointOverride");
    }

    @Test
    void credentialsNeverPrintThePasswordAndCanBeWiped() {
        char[] secret = "hunter2".toCharArray();
        CognitoCredentials c = new CognitoCredentials("a@example.com", secret);
        assertThat(c.toString()).doesNotContain("hunter2");
        c.wipe();
        assertThat(c.password()).containsOnly('\0');
        assertThat(secret).containsExactly("hunter2".toCharArray());
    }

    @Test
    void unreachableCognitoIsATransientNetworkError() {
        try (CognitoTokenProvider provider = CognitoTokenProvider.create(
                CognitoSettings.builder().region("us-east-1").clientId("abc").endpointOverride(URI.create("http://127.0.0.1:1"))
                        .callTimeout(Duration.ofSeconds(3)).build(),
                CognitoCredentials.Source.of("a@example.com", "pw".toCharArray()))) {
            assertThatThrownBy(() -> provider.idToken(false).toCompletableFuture().join()).cause()
                    .isInstanceOfSatisfying(dev.lectern.port.AuthenticationException.class, e -> {
                        assertThat(e.error().code()).isEqualTo("NETWORK_ERROR");
                        assertThat(e.error().permanent()).isFalse();
                    });
        }
    }
}
