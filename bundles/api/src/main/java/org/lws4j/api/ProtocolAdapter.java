package org.lws4j.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link Protocol} with one method per reason, for those who prefer that to a switch. Override
 * the reasons you handle; the others return {@link Result#CONTINUE}. The contract of each method
 * is the contract of {@link Protocol#callback} for its reason.
 */
@ConsumerType
public abstract class ProtocolAdapter implements Protocol {

    @Override
    public Result callback(Connection wsi, Reason reason, ByteBuffer in) throws Exception {
        switch (reason) {
            case HTTP:
                return onHttp(wsi, in);
            case HTTP_BODY:
                return onHttpBody(wsi, in);
            case HTTP_BODY_COMPLETION:
                return onHttpBodyCompletion(wsi, in);
            case HTTP_WRITEABLE:
                return onHttpWriteable(wsi, in);
            case HTTP_DROP_PROTOCOL:
                return onHttpDropProtocol(wsi, in);
            case CLOSED_HTTP:
                return onClosedHttp(wsi, in);
            case FILTER_PROTOCOL_CONNECTION:
                return onFilterProtocolConnection(wsi, in);
            case ESTABLISHED:
                return onEstablished(wsi, in);
            case RECEIVE:
                return onReceive(wsi, in);
            case RECEIVE_PONG:
                return onReceivePong(wsi, in);
            case SERVER_WRITEABLE:
                return onServerWriteable(wsi, in);
            case WS_PEER_INITIATED_CLOSE:
                return onWsPeerInitiatedClose(wsi, in);
            case CLOSED:
                return onClosed(wsi, in);
            case TIMER:
                return onTimer(wsi, in);
            case CLIENT_CONNECTION_ERROR:
                return onClientConnectionError(wsi, in);
            case CLIENT_ESTABLISHED:
                return onClientEstablished(wsi, in);
            case CLIENT_RECEIVE:
                return onClientReceive(wsi, in);
            case CLIENT_RECEIVE_PONG:
                return onClientReceivePong(wsi, in);
            case CLIENT_WRITEABLE:
                return onClientWriteable(wsi, in);
            case CLIENT_CLOSED:
                return onClientClosed(wsi, in);
            case ESTABLISHED_CLIENT_HTTP:
                return onEstablishedClientHttp(wsi, in);
            case RECEIVE_CLIENT_HTTP:
                return onReceiveClientHttp(wsi, in);
            case RECEIVE_CLIENT_HTTP_READ:
                return onReceiveClientHttpRead(wsi, in);
            case COMPLETED_CLIENT_HTTP:
                return onCompletedClientHttp(wsi, in);
            case CLIENT_HTTP_WRITEABLE:
                return onClientHttpWriteable(wsi, in);
            case CLOSED_CLIENT_HTTP:
                return onClosedClientHttp(wsi, in);
            case RAW_ADOPT:
                return onRawAdopt(wsi, in);
            case RAW_RX:
                return onRawRx(wsi, in);
            case RAW_WRITEABLE:
                return onRawWriteable(wsi, in);
            case RAW_CLOSE:
                return onRawClose(wsi, in);
            case RAW_ADOPT_FILE:
                return onRawAdoptFile(wsi, in);
            case RAW_RX_FILE:
                return onRawRxFile(wsi, in);
            case RAW_WRITEABLE_FILE:
                return onRawWriteableFile(wsi, in);
            case RAW_CLOSE_FILE:
                return onRawCloseFile(wsi, in);
            default:
                return Result.CONTINUE;
        }
    }

    @Override
    public Result vhostCallback(VhostProtocol binding, Reason reason, Object arg) throws Exception {
        switch (reason) {
            case PROTOCOL_INIT:
                return onProtocolInit(binding);
            case PROTOCOL_DESTROY:
                onProtocolDestroy(binding);
                return Result.CONTINUE;
            case USER:
                onTimedCallback(binding, arg);
                return Result.CONTINUE;
            case EVENT_WAIT_CANCELLED:
                onEventWaitCancelled(binding);
                return Result.CONTINUE;
            default:
                return Result.CONTINUE;
        }
    }

    /** {@link Reason#PROTOCOL_INIT}: the protocol was bound on a vhost; CLOSE refuses it. */
    protected Result onProtocolInit(VhostProtocol binding) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#PROTOCOL_DESTROY}: the binding ends. */
    protected void onProtocolDestroy(VhostProtocol binding) throws Exception {
    }

    /** {@link Reason#USER}: a timed callback is due. */
    protected void onTimedCallback(VhostProtocol binding, Object tag) throws Exception {
    }

    /** {@link Reason#EVENT_WAIT_CANCELLED}: {@link Context#cancelService()} was called. */
    protected void onEventWaitCancelled(VhostProtocol binding) throws Exception {
    }

    /** {@link Reason#HTTP}. */
    protected Result onHttp(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#HTTP_BODY}. */
    protected Result onHttpBody(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#HTTP_BODY_COMPLETION}. */
    protected Result onHttpBodyCompletion(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#HTTP_WRITEABLE}. */
    protected Result onHttpWriteable(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#HTTP_DROP_PROTOCOL}. */
    protected Result onHttpDropProtocol(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLOSED_HTTP}. */
    protected Result onClosedHttp(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#FILTER_PROTOCOL_CONNECTION}. */
    protected Result onFilterProtocolConnection(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#ESTABLISHED}. */
    protected Result onEstablished(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RECEIVE}. */
    protected Result onReceive(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RECEIVE_PONG}. */
    protected Result onReceivePong(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#SERVER_WRITEABLE}. */
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#WS_PEER_INITIATED_CLOSE}. */
    protected Result onWsPeerInitiatedClose(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLOSED}. */
    protected Result onClosed(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#TIMER}. */
    protected Result onTimer(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_CONNECTION_ERROR}. */
    protected Result onClientConnectionError(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_ESTABLISHED}. */
    protected Result onClientEstablished(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_RECEIVE}. */
    protected Result onClientReceive(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_RECEIVE_PONG}. */
    protected Result onClientReceivePong(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_WRITEABLE}. */
    protected Result onClientWriteable(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_CLOSED}. */
    protected Result onClientClosed(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#ESTABLISHED_CLIENT_HTTP}. */
    protected Result onEstablishedClientHttp(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RECEIVE_CLIENT_HTTP}. */
    protected Result onReceiveClientHttp(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RECEIVE_CLIENT_HTTP_READ}. */
    protected Result onReceiveClientHttpRead(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#COMPLETED_CLIENT_HTTP}. */
    protected Result onCompletedClientHttp(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLIENT_HTTP_WRITEABLE}. */
    protected Result onClientHttpWriteable(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#CLOSED_CLIENT_HTTP}. */
    protected Result onClosedClientHttp(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_ADOPT}. */
    protected Result onRawAdopt(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_RX}. */
    protected Result onRawRx(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_WRITEABLE}. */
    protected Result onRawWriteable(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_CLOSE}. */
    protected Result onRawClose(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_ADOPT_FILE}. */
    protected Result onRawAdoptFile(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_RX_FILE}. */
    protected Result onRawRxFile(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_WRITEABLE_FILE}. */
    protected Result onRawWriteableFile(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }

    /** {@link Reason#RAW_CLOSE_FILE}. */
    protected Result onRawCloseFile(Connection wsi, ByteBuffer in) throws Exception {
        return Result.CONTINUE;
    }
}
