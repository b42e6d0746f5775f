import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import 'uplot/dist/uPlot.min.css'
import './styles.css'
import { App } from './app.tsx'
import { createAppStore } from './store/app-store.ts'
import { frameScheduler } from './store/frame-scheduler.ts'
import { StoreContext } from './store/use-app.ts'
import { pickTransport } from './transport/pick-transport.ts'

const store = createAppStore(pickTransport(), { scheduleFlush: frameScheduler() })
store.getState().start()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
)
