package dev.lectern.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Checks a speaker's token and names the user it stands for. */
public interface TokenVerifier {

    /**
     * The user id ({@code sub}) of a valid token.
     *
     * @throws InvalidTokenException with a message fit for the client ("Invalid token", "Token expired")
     */
    String verify(String token) throws InvalidTokenException;

    /** A token the gateway does not accept. */
    final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * {@code --auth none}: any non-empty token is accepted; the user is the token's {@code sub} claim when it
     * decodes as a JWT, else the token itself.
     */
    TokenVerifier ANY = token -> {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("Invalid token");
        }
        String[] parts = token.split("\\.");
        if (parts.length >= 2) {
            try {
                JsonNode claims = new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
                if (claims != null && claims.hasNonNull("sub")) {
                    return claims.get("sub").asText();
                }
            } catch (Exception notAJwt) {
                // fall through: the token itself names the user
            }
        }
        return token;
    };
}
