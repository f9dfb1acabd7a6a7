/**
 * The Amazon Cognito adapter: a {@code TokenProvider} over {@code InitiateAuth} with the AWS SDK for
 * Java v2. {@link dev.lectern.cognito.SecretHash} and {@link dev.lectern.cognito.TokenClaims} are the
 * pieces it needs that involve no network.
 */
package dev.lectern.cognito;
