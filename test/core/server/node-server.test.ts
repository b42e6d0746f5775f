import { startServer } from '../../../electron/core/server/node-server.ts'
import { serverContract } from './server-contract.ts'

serverContract('node server', startServer)
