/**
 * WebSocket sessions of a generation that hands over: closed with a status that tells
 * clients to reconnect.
 */
package io.github.gracefulrestart.websocket;
