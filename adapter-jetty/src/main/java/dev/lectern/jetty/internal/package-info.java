/** The shared Jetty client under the adapter's transports and HTTP clients. Not API: may change in any release. */
package dev.lectern.jetty.internal;
