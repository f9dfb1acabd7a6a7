/**
 * The outbound ports: what the client engine needs from the world, each named for a capability.
 * Adapters implement them ({@code JettyTransport}, {@code CognitoTokenProvider}, Java Sound), and the
 * {@code dev.lectern.testing} package ships in-memory versions for tests.
 *
 * <p>Threading contract for every port: methods return promptly and never block the caller (the engine's
 * serial lane); results and callbacks may arrive on any thread.
 */
package dev.lectern.port;
