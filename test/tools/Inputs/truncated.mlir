func.func @f(%x: tensor<1x3x8x8xf32>) {
  %0 = effnet.stem %x {
