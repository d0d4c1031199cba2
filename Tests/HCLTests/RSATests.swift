import HCL
import Testing

/// A throwaway 1024-bit key generated for this test, and "Hello, Kiln!" encrypted to it
/// with PKCS#1 v1.5 padding.
let rsaTestKeyPKCS1 = """
-----BEGIN RSA PRIVATE KEY-----
MIICXAIBAAKBgQDsOHD5OrKyMMBrORaYCKqVpdLIwc6lUJnxBN3t8vvvpLd4sint
hyIbVJ/lpylm3e8zV55SJx6+SDTBpZfeVBVOkjqIZ0WvOC0CPvNpI0KYWBALQRTE
dtStLhjUGHs5Svjp7TuV3wWljaoKYxO93Af9jMo0/yJlQ1n95/n10v6ZhQIDAQAB
AoGAMYVHkcgPbDGyNQg7x1WRxVuFC9ctZhS2oQNfLyIQVNXYLLJU/dmlectM1g0s
Lcd6/O1yYFCZLlTe0nXPl6lS6cWv2NYz0K1FBDcqKfgdfKr5CS3O7vKTenSlArzC
65RYKWvk+jT5Ymi5RdziyrM4qbKlcnD44MjW+stBUk0hhSUCQQD9w3BSHqW2gKNj
8N0MDK42JZYWk7PtzwkEzRMy6qvPoiRQ9xLJqfUsa7hrOv4JE/JuPsA37ZyNvVtt
LS7IiulHAkEA7k1rtP5dBLm9c8tQ9nH0Vbiq0EfY0BSor9Y1eDakQ9+BgWQq8yfJ
57lvy/jhZo7PthW/0w0Gig1VnSN3hmcM0wJBAPaC1Knxe6k+bXq4kQMTjmirOpHU
CgYKCQjQ7sWXki+xovXEDkw4/iKYwh3owL6w0eCmtLOf72UBfb8hFUFbMCECQB7x
krDX7sA0VjN5DTRTK8UNy7BsA+1RIW5jxGGtxrrBhRGGLkWQvxkF7UxxLuOgW7xr
KpN/N4AppxpWhqi/LN0CQCd35bzaKnKxUyJ35g8OrlAkcJTdMplFuUxSzl4iFUiS
yE7sXuB8E5GOoqiQ3GkwlFXfQtPmctsgTmfuqcWTaEM=
-----END RSA PRIVATE KEY-----
"""

let rsaTestKeyPKCS8 = """
-----BEGIN PRIVATE KEY-----
MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAOw4cPk6srIwwGs5
FpgIqpWl0sjBzqVQmfEE3e3y+++kt3iyKe2HIhtUn+WnKWbd7zNXnlInHr5INMGl
l95UFU6SOohnRa84LQI+82kjQphYEAtBFMR21K0uGNQYezlK+OntO5XfBaWNqgpj
E73cB/2MyjT/ImVDWf3n+fXS/pmFAgMBAAECgYAxhUeRyA9sMbI1CDvHVZHFW4UL
1y1mFLahA18vIhBU1dgsslT92aV5y0zWDSwtx3r87XJgUJkuVN7Sdc+XqVLpxa/Y
1jPQrUUENyop+B18qvkJLc7u8pN6dKUCvMLrlFgpa+T6NPliaLlF3OLKszipsqVy
cPjgyNb6y0FSTSGFJQJBAP3DcFIepbaAo2Pw3QwMrjYllhaTs+3PCQTNEzLqq8+i
JFD3Esmp9SxruGs6/gkT8m4+wDftnI29W20tLsiK6UcCQQDuTWu0/l0Eub1zy1D2
cfRVuKrQR9jQFKiv1jV4NqRD34GBZCrzJ8nnuW/L+OFmjs+2Fb/TDQaKDVWdI3eG
ZwzTAkEA9oLUqfF7qT5teriRAxOOaKs6kdQKBgoJCNDuxZeSL7Gi9cQOTDj+IpjC
HejAvrDR4Ka0s5/vZQF9vyEVQVswIQJAHvGSsNfuwDRWM3kNNFMrxQ3LsGwD7VEh
bmPEYa3GusGFEYYuRZC/GQXtTHEu46BbvGsqk383gCmnGlaGqL8s3QJAJ3flvNoq
crFTInfmDw6uUCRwlN0ymUW5TFLOXiIVSJLITuxe4HwTkY6iqJDcaTCUVd9C0+Zy
2yBOZ+6pxZNoQw==
-----END PRIVATE KEY-----
"""

let rsaTestCiphertext = "Kj6hYh+Kimn2dD+ahajhl68JD5lo+9OrAOktdeu70fE4lwp7PWnzzApyLmumL0kKd9+S6eVmON3IOXT4zamRgpkWlnIOLuem+GSYcM088ugvRkxc2kC46RmoxUgNHEPWS2K2Y4DnmgCxBv3qb5zUaWFtKEXxKrg3pfGdfROSMRQ="

@Test func rsadecryptBothKeyFormats() {
  let vars: [String: Value] = ["ct": .string(rsaTestCiphertext), "k1": .string(rsaTestKeyPKCS1), "k8": .string(rsaTestKeyPKCS8)]
  #expect(eval("rsadecrypt(ct, k1)", vars) == "\"Hello, Kiln!\"")
  #expect(eval("rsadecrypt(ct, k8)", vars) == "\"Hello, Kiln!\"")
  #expect(eval("rsadecrypt(\"!!\", k1)", vars) == "error: Invalid function argument; Invalid value for \"ciphertext\" parameter: failed to decode input \"!!\": cipher text must be base64-encoded.")
  #expect(eval("rsadecrypt(ct, \"nope\")", vars) == "error: Invalid function argument; Invalid value for \"privatekey\" parameter: failed to parse key: no key found.")
  #expect(eval("rsadecrypt(base64encode(\"short\"), k1)", vars) == "error: Error in function call; Call to function \"rsadecrypt\" failed: failed to decrypt: crypto/rsa: decryption error.")
}
