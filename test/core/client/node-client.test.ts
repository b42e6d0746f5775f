import { nodeClient } from '../../../electron/core/client/node-client.ts'
import { clientContract } from './client-contract.ts'

clientContract('node client', nodeClient)
