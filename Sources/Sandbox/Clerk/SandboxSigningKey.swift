/// The sandbox's fixed RSA-2048 signing key, so the JWKS (and tokens minted with the same claims) are identical
/// across restarts. It signs only synthetic sandbox tokens and must never be trusted outside the sandbox.
enum SandboxSigningKey {
    static let privateKeyPEM = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAtZJMinOiCsAloiX33oar/lVYmFbllSjZFT+Nn0DQ9sd+fMtS
        Pt+sDvluZHdZm1XeUrRQgAX4owctBIdrV1nTT/Zm4P38/Afu66vbPw1XJLhmNXuJ
        v5/Vdm02e2gEecBRDoKgoRHC8nUATq3itw084w5TjnVsMRsGysyE2D3N/HFMNqH9
        AM5Oo4tCuQP6dVbpdE67ugjYGOa6xD0WT3q3UAz6vbJvc8w/1W96KTOKBnC9Fog3
        3z0yMtpEzhBugPXEPKnLVNC+mBKiYYZ1C1Y2P20zTiCx+3ITO3Etsz4BIzPvPuuA
        /QAZ3eGd5Zyy16Jb+bZt9vNvmwfXYkrP9qdoQQIDAQABAoIBAEmJskRU5ukxv0w3
        0ncm1hwRFuvELgHGZH2Nmt9IEhoQ3DLQ6kOatYXvEf3QtNML6RpX+06OnI/yxRHT
        gu8C62m0YyB23fJ5iBOdLBQSZBv0Lzk0Cqs4oezv+KPskft5n5qf30y889bc+j3j
        gTIgQ2u2jrLg7evJhWu3f4pRJc86qTuJMGhd4a4bQ1mlbc5AVS2Pk/ZeCZbN81pm
        0ies4VBzdVbD0baapGXaIjta+YsLw/6JDDbPd2RGUIeYdEo0gGgBGE3OeBLjCv+s
        MAy77Wi6rov/wfsrYcGeHCS5ee8HBjjVw6SdrNZ0YOvTsaFkmJdhFFhUR3Q3w6a6
        o4YhwT0CgYEA2h8R8UInE6WUrrcVzroFTnJ/OHC3mRd4uOkJYEaGAebFKSXckoF7
        UXBsxXy7MoP2iT9qe/n5ZZelSaUc6hXlfPOECNcZQ42NOCV7MQUo4C2NssiJ4l3O
        oV866RtftZejud1BriltIJFHDyfd4cktnYFul8KhAZgSBR+7av35zA8CgYEA1RpY
        j3ApYrWKns0Fgbew5qHlaTUj/lRegbQP4COam5HgnM4sGgNMDQzmnpebRqj+06aJ
        BjqVznD3RDDSTUrQShjcdPLL14BtRAPmdtBjf+b94VksFSermGQRo7r9C7idPuvm
        wRr9gU7UX8T2ndoN1b4o6xw2u29Et2n5r7/Kdq8CgYBMfg7lw6Q+kJfWuaAtMjFA
        NIkG+wh36LJObnL6T2EZc5t69asnub7MbZfHnhlr+rlPomyuc5iRlx/A9uVv9iPX
        sPKBwyU5+n8mzIYqR7vw+iiyJP+t4eXf06yuKQpkfXxOZxhsglyhyjDYUMvQLaQQ
        k158XCXokDLplxo7yDt84wKBgAQ7z8KZwdi6LpTVEeTv103drYcXjS2CU5ZUE3Sq
        gGnSzhmPZwTlR9+CgBpqfKU8ukNOLa63/z3otKDgL21lrRmrwMV6BV60qHcPdMar
        gS6LUkPl16Bb92bBpjAQiPJwqn8ThLQVay/kdweoDBY6vMegTYPOPbAfl8flDRbW
        wpj1AoGBAJ45BlwbDYbWvpCfDHovpTuOQWR3U2QUCT7VXfI0Jg07YmOGcidpEQ5p
        gqXbVNnDuAFoFxInjtIboDO+xbSd3jHpkU4Gu3Coxb+a9HsI3R35L3pWOqg6DNnq
        RxZBzAmB0bg96kTqE97T2GjMPysNBfMUDvR1f6znUbSyYkuUpsMO
        -----END RSA PRIVATE KEY-----
        """
}
