/** Lectern's reference runner: the command line, and the wiring of adapters into clients. */
package dev.lectern.app;
