import type { RawData, WebSocket } from 'ws';
import { WsClientFrameSchema, type WsClientFrame, type WsServerFrame } from '../../shared/bridge.js';
import { describeZodError } from '../../shared/protocol.js';
import type { BridgeDispatch } from '../core/engine/bridge-dispatch.js';

/** The frame a client sent, or the close a malformed one earns (the code and the reason why). */
export function readFrame(data: RawData): { frame: WsClientFrame } | { close: [number, string] } {
  let raw: unknown;
  try {
    raw = JSON.parse(String(data));
  } catch {
    return { close: [4400, 'frame is not JSON'] };
  }
  const parsed = WsClientFrameSchema.safeParse(raw);
  if (!parsed.success) return { close: [4400, `bad frame: ${describeZodError(parsed.error)}`.slice(0, 120)] };
  return { frame: parsed.data };
}

export function sender(ws: WebSocket): (frame: WsServerFrame) => void {
  return (frame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
}

/** Runs one bridge call and answers it by its id, the core's error message included. */
export async function answer(send: (frame: WsServerFrame) => void, frame: Extract<WsClientFrame, { type: 'invoke' }>, dispatch: BridgeDispatch): Promise<void> {
  try {
    const result = await dispatch(frame.channel, frame.request);
    send({ type: 'result', id: frame.id, ok: true, result });
  } catch (e) {
    send({ type: 'result', id: frame.id, ok: false, error: (e as Error).message });
  }
}
