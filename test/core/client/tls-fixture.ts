import type net from 'node:net'

/** Test-only TLS material: one P-256 key, self-signed for DNS:localhost (2000–2100), and the same key expired (2000–2001). */
export const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyXEtHLzXF/vgnS5G
NUB4xB4Jmy/ujqOt0efW7eZ49BihRANCAAThrlbSwS5/cfaAAqwdFIAWe5xL77r3
OXePw1u0bfXoYWfd3uQRvHhretD3mPlokJT/GpCevVEIkloaVkAmtrpn
-----END PRIVATE KEY-----
`
export const cert = `-----BEGIN CERTIFICATE-----
MIIBXjCCAQSgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOGuVtLBLn9x9oAC
rB0UgBZ7nEvvuvc5d4/DW7Rt9ehhZ93e5BG8eGt60PeY+WiQlP8akJ69UQiSWhpW
QCa2umejRTBDMBQGA1UdEQQNMAuCCWxvY2FsaG9zdDAMBgNVHRMEBTADAQH/MB0G
A1UdDgQWBBSPu2cLuuMcq19gc0aWHB7X8z2eNzAKBggqhkjOPQQDAgNIADBFAiAW
0PjJLp1Fubbot3HB8KMEi8+HJ6xlBVxesAZ3tfE3egIhAMprZcjrseUCJ/PwqFFT
cP+dA2ELBsV/qbVgvUKSX/bw
-----END CERTIFICATE-----
`
export const expiredCert = `-----BEGIN CERTIFICATE-----
MIIBXTCCAQKgAwIBAgIBAjAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwHhcNMDAwMTAxMDAwMDAwWhcNMDEwMTAxMDAwMDAwWjAUMRIwEAYDVQQDDAls
b2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAThrlbSwS5/cfaAAqwd
FIAWe5xL77r3OXePw1u0bfXoYWfd3uQRvHhretD3mPlokJT/GpCevVEIkloaVkAm
trpno0UwQzAUBgNVHREEDTALgglsb2NhbGhvc3QwDAYDVR0TBAUwAwEB/zAdBgNV
HQ4EFgQUj7tnC7rjHKtfYHNGlhwe1/M9njcwCgYIKoZIzj0EAwIDSQAwRgIhALlA
9okrisELdPOhmolumeU0ndxVbfy03ZrTs+a/PyGJAiEAkdZRarAGAsgZhkXPVjeL
LRzfn+Zd3D+tQJz6hEbv+xs=
-----END CERTIFICATE-----
`

/** Resolves every name to 127.0.0.1, so `https://localhost` reaches the test upstream (and its certificate's name) without real DNS. */
export const loopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
  else callback(null, '127.0.0.1', 4)
}) as unknown as net.LookupFunction
