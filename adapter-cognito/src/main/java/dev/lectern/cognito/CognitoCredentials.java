package dev.lectern.cognito;

import java.util.Arrays;
import java.util.Objects;

/**
 * A speaker's user name and password, for one sign-in. The password array is wiped by
 * {@link #wipe()} once used; {@code toString()} never shows it.
 */
public final class CognitoCredentials {
    private final String username;
    private final char[] password;

    public CognitoCredentials(String username, char[] password) {
        this.username = Objects.requireNonNull(username, "username is null");
        this.password = Objects.requireNonNull(password, "password is null").clone();
        if (username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
    }

    public String username() {
        return username;
    }

    char[] password() {
        return password;
    }

    /** Overwrites the password in memory. */
    public void wipe() {
        Arrays.fill(password, '\0');
    }

    @Override
    public String toString() {
        return "CognitoCredentials[username=" + username + ", password=<redacted>]";
    }

    /** Where credentials come from each time a full sign-in is needed (a prompt, a vault, an environment). */
    @FunctionalInterface
    public interface Source {
        CognitoCredentials get();

        /** Keeps a copy of the password in memory for later sign-ins. */
        static Source of(String username, char[] password) {
            char[] kept = password.clone();
            return () -> new CognitoCredentials(username, kept);
        }
    }
}
