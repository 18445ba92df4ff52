func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = effnet.stem %x {name = "s", kernel = 3 : i64, stride = 2 : i64, out_channels = 8 : i64} : tensor<1x3x8x8xf32> -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}
