import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Writable } from 'node:stream';
import dimse from 'dcmjs-dimse';
import type { DicomConfig } from '../../config/config.js';
import { InstanceFileWriter } from './instance-file-writer.js';
import './memorystream-fix.js';
import { part10Header } from './part10-header.js';
import { decideContext } from './presentation-contexts.js';
import { storeResponsePdu } from './store-response.js';

export interface ReceivedInstance {
  /** Absolute path of the received instance written as a DICOM Part 10 file (meta header + dataset), under the given temp dir. The handler takes ownership (moves or deletes it). */
  readonly file: string;
  readonly callingAe: string;
  readonly calledAe: string;
  readonly remoteAddress: string;
  /** The project the called AE title is bound to, if any. */
  readonly project: string | null;
  /** Size and MD5 of the file, measured while it was written. */
  readonly size: number;
  readonly md5: string;
  /** The file's bytes when it was small enough to be kept in memory (saves reading the header back). */
  readonly bytes?: Buffer;
}

export type ReceiveOutcome = { readonly status: 'stored' } | { readonly status: 'refused'; readonly reason: string };

/** Files one received instance; resolves with what to tell the sender, throws on a server-side failure. */
export type InstanceHandler = (instance: ReceivedInstance) => Promise<ReceiveOutcome>;

export interface DicomReceiverOptions {
  readonly config: DicomConfig;
  /** Where received instances are written before the handler takes them. */
  readonly tempDir: string;
  readonly log?: (message: string, error?: unknown) => void;
}

/** C-STORE-RSP statuses (PS3.4 B.2.3): the sender may retry after 0xA700, not after 0xC000. */
export const STORE_STATUS = { success: 0x0000, outOfResources: 0xa700, cannotUnderstand: 0xc000 } as const;

const { Scp, Dataset } = dimse;
const { CEchoResponse, CStoreResponse } = dimse.responses;
const { PresentationContextResult, RejectResult, RejectSource, RejectReason, Status } = dimse.constants;
type Association = InstanceType<typeof dimse.association.Association>;
type PresentationContext = InstanceType<typeof dimse.association.PresentationContext>;
type CStoreRequest = InstanceType<typeof dimse.requests.CStoreRequest>;
type CEchoRequest = InstanceType<typeof dimse.requests.CEchoRequest>;
type CStoreResponseT = InstanceType<typeof CStoreResponse>;
type CEchoResponseT = InstanceType<typeof CEchoResponse>;

const KNOWN_STORAGE_CLASSES: ReadonlySet<string> = new Set(Object.values(dimse.constants.StorageClass as Record<string, string>));

/**
 * Largest P-DATA PDU the receiver asks senders to use. Bigger PDUs mean fewer fragments per instance; the
 * library caps what it announces at 256 KiB.
 */
const MAX_PDU_LENGTH = 262_144;

/** What the receiver needs to know about one connection. */
interface ConnectionContext {
  readonly receiver: DicomReceiver;
  readonly socket: net.Socket;
}

/**
 * The DICOM network edge: answers C-ECHO, and for each C-STORE streams the dataset bytes as received into a
 * Part 10 file in the temp dir and hands it to the handler, whose outcome becomes the DIMSE status.
 */
export class DicomReceiver {
  private server: net.Server | undefined;
  private readonly connections = new Set<ReceiverScp>();
  private readonly titles: ReadonlyMap<string, string | null>;
  private boundPort = 0;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: DicomReceiverOptions, readonly handler: InstanceHandler) {
    this.titles = new Map(options.config.aeTitles.map((a) => [a.title, a.project]));
  }

  get port(): number {
    return this.boundPort;
  }

  get aeTitles(): DicomConfig['aeTitles'] {
    return this.options.config.aeTitles;
  }

  /** One line for the startup banner: where senders reach the receiver. */
  describe(): string {
    const host = this.options.config.host.includes(':') ? `[${this.options.config.host}]` : this.options.config.host;
    const titles = this.aeTitles.map((a) => (a.project ? `${a.title} (project ${a.project})` : a.title)).join(', ');
    return `DICOM receiver: ${host}:${this.port}, AE title${this.aeTitles.length > 1 ? 's' : ''} ${titles}`;
  }

  get tempDir(): string {
    return this.options.tempDir;
  }

  /** The project a called AE title is bound to (`null` if unbound), or undefined if the title is not served here. */
  projectFor(calledAe: string): string | null | undefined {
    return this.titles.has(calledAe) ? (this.titles.get(calledAe) ?? null) : undefined;
  }

  log(message: string, error?: unknown): void {
    this.options.log?.(message, error);
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('the DICOM receiver is already started');
    // The library logs every PDU to the console unless told otherwise; the receiver reports through `log`.
    dimse.log.setLevel('silent');
    await fs.mkdir(this.options.tempDir, { recursive: true });
    const { host, port } = this.options.config;
    const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
        reject(new Error(`The DICOM receiver cannot listen on ${host}:${port}: ${why}. Set dicom.port (--dicom-port) to a free port, or turn the receiver off with --no-dicom.`, { cause: error }));
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (error) => this.log('DICOM receiver: listener error', error));
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
  }

  /** Stops listening, lets running handlers answer, then aborts every association and waits for the connections to close. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const server = this.server;
      if (!server) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...this.connections].map((c) => c.shutDown()));
      await closed;
      this.server = undefined;
    })();
    return this.stopping;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  private accept(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const scp = new ReceiverScp(socket, { receiver: this, socket });
    this.connections.add(scp);
    socket.once('close', () => this.connections.delete(scp));
  }
}

/** One DICOM association: the dcmjs-dimse service class user's counterpart for a single socket. */
class ReceiverScp extends Scp {
  private readonly context: ConnectionContext;
  private calledAe = '';
  private callingAe = '';
  private project: string | null = null;
  /** Datasets being received, by request (the library hands the same request object to every hook). */
  private readonly writers = new Map<CStoreRequest, { writer: InstanceFileWriter; presentationContextId: number }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closed: Promise<void>;

  constructor(socket: net.Socket, context: ConnectionContext) {
    // A sender may pause between instances; five minutes of silence ends the association.
    super(socket, { associationTimeout: 30_000, pduTimeout: 300_000, connectTimeout: 300_000 });
    this.context = context;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    // The library's own clock (association and PDU timeouts) only runs for connections marked connected.
    const self = this as unknown as { connected: boolean; connectedTime: number };
    self.connected = true;
    self.connectedTime = Date.now();
    this.on('networkError', (error: unknown) => {
      // Timeouts and protocol errors: the library has given up on the connection, so close it.
      context.receiver.log(`DICOM receiver: connection from ${this.remoteAddress} failed`, error);
      this.closeSocket();
    });
    this.on('close', () => {
      for (const { writer } of this.writers.values()) void writer.discard();
      this.writers.clear();
    });
  }

  private get remoteAddress(): string {
    return this.context.socket.remoteAddress ?? '';
  }

  override associationRequested(association: Association): void {
    const receiver = this.context.receiver;
    this.calledAe = association.getCalledAeTitle();
    this.callingAe = association.getCallingAeTitle();
    const project = receiver.projectFor(this.calledAe);
    if (project === undefined || receiver.isStopping) {
      const why = project === undefined ? `called AE title not recognized: '${this.calledAe}'` : 'the receiver is stopping';
      receiver.log(`DICOM receiver: association from ${this.callingAe}@${this.remoteAddress} rejected (${why})`);
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser,
        project === undefined ? RejectReason.CalledAeNotRecognized : RejectReason.TemporaryCongestion);
      this.closeSocket();
      return;
    }
    this.project = project;
    for (const { id } of association.getPresentationContexts()) {
      const context = association.getPresentationContext(id);
      const decision = decideContext(context.getAbstractSyntaxUid(), context.getTransferSyntaxUids(), KNOWN_STORAGE_CLASSES);
      if (decision.kind === 'accept') context.setResult(PresentationContextResult.Accept, decision.transferSyntax);
      else if (decision.kind === 'abstract-syntax-not-supported') context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
      else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
    }
    association.setMaxPduLength(MAX_PDU_LENGTH);
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override abort(): void {
    this.closeSocket();
  }

  override cEchoRequest(request: CEchoRequest, callback: (response: CEchoResponseT) => void): void {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  /** Called when the first dataset fragment of a C-STORE arrives: the bytes go straight to a file. */
  override createStoreWritableStream(context: PresentationContext, request: CStoreRequest): Writable {
    const file = path.join(this.context.receiver.tempDir, `rx-${randomUUID()}.dcm`);
    const writer = new InstanceFileWriter(file, part10Header({
      sopClassUid: request.getAffectedSopClassUid(),
      sopInstanceUid: request.getAffectedSopInstanceUid(),
      transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '',
      sourceAeTitle: this.callingAe,
    }));
    this.writers.set(request, { writer, presentationContextId: context.getPresentationContextId() });
    return writer;
  }

  /**
   * Called after the last fragment. The library wants a dataset; the receiver never parses one (the file is
   * what matters), so it answers at once with an empty one and waits for the file in `cStoreRequest`.
   */
  override createDatasetFromStoreWritableStream(_writable: Writable, context: PresentationContext, callback: (dataset: InstanceType<typeof Dataset>) => void): void {
    callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
  }

  override cStoreRequest(request: CStoreRequest, callback: (response: CStoreResponseT) => void): void {
    const receiving = this.writers.get(request);
    this.writers.delete(request);
    if (!receiving) {
      const response = CStoreResponse.fromRequest(request);
      response.setStatus(STORE_STATUS.cannotUnderstand);
      response.setErrorComment('the C-STORE request carried no dataset');
      callback(response);
      return;
    }
    const work = this.store(receiving.writer).then(({ status, comment }) => {
      if (this.context.socket.destroyed) return;
      this.context.socket.write(storeResponsePdu({
        presentationContextId: receiving.presentationContextId, messageId: request.getMessageId(),
        sopClassUid: request.getAffectedSopClassUid(), sopInstanceUid: request.getAffectedSopInstanceUid(), status, comment,
      }));
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async store(writer: InstanceFileWriter): Promise<{ status: number; comment?: string }> {
    const receiver = this.context.receiver;
    try {
      await writer.finished();
    } catch (error) {
      receiver.log(`DICOM receiver: could not write a received instance to ${receiver.tempDir}`, error);
      await writer.discard();
      return { status: STORE_STATUS.outOfResources, comment: 'could not write the instance' };
    }
    try {
      const outcome = await receiver.handler({
        file: writer.file, callingAe: this.callingAe, calledAe: this.calledAe, remoteAddress: this.remoteAddress, project: this.project,
        size: writer.size, md5: writer.md5, bytes: writer.head(),
      });
      if (outcome.status === 'stored') return { status: STORE_STATUS.success };
      await fs.rm(writer.file, { force: true });
      return { status: STORE_STATUS.cannotUnderstand, comment: outcome.reason };
    } catch (error) {
      receiver.log(`DICOM receiver: storing an instance from ${this.callingAe}@${this.remoteAddress} failed`, error);
      await fs.rm(writer.file, { force: true }).catch(() => undefined);
      return { status: STORE_STATUS.outOfResources, comment: 'the server could not store the instance' };
    }
  }

  /** Lets running handlers answer, then aborts the association and waits for the socket to close. */
  async shutDown(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (!this.context.socket.destroyed) {
      const hasAssociation = (this as unknown as { association?: Association }).association !== undefined;
      if (hasAssociation) this.sendAbort(dimse.constants.AbortSource.ServiceProvider, dimse.constants.AbortReason.NotSpecified);
      this.closeSocket();
    }
    await this.closed;
  }

  /** Ends the connection politely, and for certain a moment later (a peer that never closes its side). */
  private closeSocket(): void {
    const socket = this.context.socket;
    if (socket.destroyed) return;
    socket.end();
    setTimeout(() => socket.destroy(), 2000).unref();
  }
}
