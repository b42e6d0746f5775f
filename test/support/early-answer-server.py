"""A server that answers before reading the request body, then closes: what an upload limit or an auth check
does. Reads each request's head only, sends one response (status from argv[1]) and closes the socket with the
body unread, so the client's writes meet a reset. It lets the answer leave before closing (a close with unread
bytes resets the connection and drops whatever it had not yet sent, which would test the server, not the client). Plain HTTP, or TLS with argv[2] (cert) and argv[3] (key).
Status 0 closes without answering at all (a server that resets an upload it will not take).
Prints its port on the first line of stdout. Used by the early-response tests; stops when its stdin closes."""
import socket, ssl, sys, threading, time

status = int(sys.argv[1])
context = None
if len(sys.argv) > 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])

listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)


def answer(conn):
    try:
        if context:
            conn = context.wrap_socket(conn, server_side=True)
        data = b''
        while b'\r\n\r\n' not in data:
            more = conn.recv(65536)
            if not more:
                return
            data += more
        if status == 0:
            return
        body = b'refused early by the test server\n'
        conn.sendall(b'HTTP/1.1 %d Early\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s'
                     % (status, len(body), body))
        conn.shutdown(socket.SHUT_WR)
        time.sleep(0.01)
    except OSError:
        pass
    finally:
        conn.close()


def serve():
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=answer, args=(conn,), daemon=True).start()


threading.Thread(target=serve, daemon=True).start()
sys.stdin.read()
