package dev.lectern.cognito;

import dev.lectern.domain.session.LecternError;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InternalErrorException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidParameterException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidPasswordException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.LimitExceededException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.NotAuthorizedException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.PasswordResetRequiredException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.TooManyRequestsException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotConfirmedException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;

/**
 * Cognito's failures as a user should read them, keeping the original clients' wording where they had
 * one. Permanent failures (credentials, account state, configuration) are never retried; throttling,
 * service and network failures are.
 */
final class CognitoErrors {
    static final String INVALID_CREDENTIALS = "Invalid username or password";

    private CognitoErrors() {}

    static LecternError of(Throwable failure, boolean renewing) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException) {
            return transientError("COGNITO_CIRCUIT_OPEN", "Cognito is unavailable (recent calls failed); trying again shortly");
        }
        if (t instanceof NotAuthorizedException || t instanceof InvalidPasswordException) {
            return renewing ? permanent("SESSION_EXPIRED", "Sign-in expired; sign in again")
                    : permanent("INVALID_CREDENTIALS", INVALID_CREDENTIALS);
        }
        if (t instanceof UserNotFoundException) {
            return permanent("USER_NOT_FOUND", "User not found");
        }
        if (t instanceof UserNotConfirmedException) {
            return permanent("USER_NOT_CONFIRMED", "User is not confirmed");
        }
        if (t instanceof PasswordResetRequiredException) {
            return permanent("PASSWORD_RESET_REQUIRED", "Password reset required");
        }
        if (t instanceof InvalidParameterException e) {
            return permanent("CONFIG_ERROR", "Cognito configuration error: " + message(e)
                    + " (is USER_PASSWORD_AUTH enabled on the app client?)");
        }
        if (t instanceof ResourceNotFoundException e) {
            return permanent("CONFIG_ERROR", "Cognito configuration error: " + message(e) + " (check the app client id and region)");
        }
        if (t instanceof TooManyRequestsException || t instanceof LimitExceededException) {
            return transientError("TOO_MANY_REQUESTS", "Cognito is throttling sign-ins; retrying");
        }
        if (t instanceof InternalErrorException) {
            return transientError("COGNITO_UNAVAILABLE", "Cognito failed internally; retrying");
        }
        if (t instanceof SdkClientException e) {
            return transientError("NETWORK_ERROR", "Cannot reach Cognito: " + message(e));
        }
        if (t instanceof CognitoIdentityProviderException e) {
            return permanent("AUTH_FAILED", "Authentication failed: " + message(e));
        }
        return permanent("AUTH_FAILED", "Authentication failed: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
    }

    static LecternError newPasswordRequired() {
        return permanent("NEW_PASSWORD_REQUIRED", "A new password is required before this user can sign in");
    }

    static LecternError noResult(String what) {
        return permanent("MISSING_TOKENS", "Cognito answered without " + what);
    }

    private static String message(Exception e) {
        if (e instanceof CognitoIdentityProviderException c && c.awsErrorDetails() != null
                && c.awsErrorDetails().errorMessage() != null) {
            return c.awsErrorDetails().errorMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static LecternError permanent(String code, String message) {
        return new LecternError(code, message, 0, null, true);
    }

    private static LecternError transientError(String code, String message) {
        return new LecternError(code, message, 0, null, false);
    }
}
