package dev.lectern.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * {@code --auth jwks}: the authorizer's checks of protocol section 8. RS256 with the JWKS key whose
 * {@code kid} matches, {@code iss} exactly the issuer, {@code aud} the app client id, {@code token_use}
 * {@code id}, {@code exp} in the future (no leeway), {@code sub} present and returned as the user.
 * The JWKS is fetched once and cached.
 */
public final class JwksTokenVerifier implements TokenVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String issuer;
    private final String audience;

    public JwksTokenVerifier(URI jwksUrl, String issuer, String audience) {
        Objects.requireNonNull(jwksUrl, "jwksUrl is null");
        this.issuer = Objects.requireNonNull(issuer, "issuer is null");
        this.audience = Objects.requireNonNull(audience, "audience is null");
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(jwksUrl.toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("jwksUrl is not a URL, was: " + jwksUrl, e);
        }
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // checked below, without leeway
    }

    @Override
    public String verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("Invalid token");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new InvalidTokenException("Invalid token");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !exp.toInstant().isAfter(java.time.Instant.now())) {
            throw new InvalidTokenException("Token expired");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException("Invalid token");
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(audience)) {
            throw new InvalidTokenException("Invalid token");
        }
        Object use = claims.getClaim("token_use");
        if (!"id".equals(use)) {
            throw new InvalidTokenException("Invalid token");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            throw new InvalidTokenException("Invalid token");
        }
        return sub;
    }

}
