@_spi(Testing) import HCL
import Testing

@Test func blowfishConstantsComeFromPi() {
  let w = BcryptTesting.piWords(18 + 1024)
  #expect(w[0] == 0x243F_6A88)
  #expect(w[1] == 0x85A3_08D3)
  #expect(w[17] == 0x8979_FB1B)
  #expect(w[18] == 0xD131_0BA6)
  #expect(w[1041] == 0x3AC3_72E6)
}

@Test(arguments: [
  ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
  ("", "$2a$06$DCq7YPn5Rq63x1Lad4cll.", "$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s."),
])
func bcryptKnownVectors(_ password: String, _ setting: String, _ expected: String) {
  #expect(BcryptTesting.hash(password, setting: setting) == expected)
}

@Test func bcryptFunction() {
  let out = eval("bcrypt(\"secret\", 4)")
  #expect(out.hasPrefix("\"$2a$04$"))
  #expect(out.count == 62)
  #expect(eval("bcrypt(\"x\", 3)") == "error: Invalid function argument; Invalid value for \"cost\" parameter: crypto/bcrypt: bcrypt cost 3 is outside allowed range (4,31).")
}
