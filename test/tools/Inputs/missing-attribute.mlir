func.func @f(%x: tensor<1x3x8x8xf32>) {
  %0 = effnet.stem %x {name = "s"} : tensor<1x3x8x8xf32> -> tensor<1x8x4x4xf32>
  return
}
