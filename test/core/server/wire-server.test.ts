import { startWireServer } from '../../../electron/core/server/wire-server.ts'
import { serverContract } from './server-contract.ts'

serverContract('wire server', startWireServer)
