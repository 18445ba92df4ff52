// Without 'naming', the scheme is detected from the file's tensor names and
// said in a remark; EfficientNet-PyTorch's and timm's names reach the right
// tensors (the end-to-end tests check whole models: test/e2e/namings.test).
// RUN: rm -rf %t && split-file %s %t
// RUN: %python %S/../oracle/safetensors_file.py %t/timm.safetensors conv_stem.weight:F32:4x3x3x3 bn1.num_batches_tracked:I64:scalar blocks.0.0.conv_dw.weight:F32:4x1x3x3 blocks.0.0.conv_pw.weight:F32:8x4x1x1 classifier.bias:F32:10
// RUN: effnet-opt %t/timm.mlir -verify-diagnostics --effnet-bind-weights="file=%t/timm.safetensors" | FileCheck %s --check-prefix=TIMM
// RUN: %python %S/../oracle/safetensors_file.py %t/ep.safetensors _conv_stem.weight:F32:4x3x3x3 _bn0.num_batches_tracked:I64:scalar _blocks.0._depthwise_conv.weight:F32:4x1x3x3 _blocks.1._expand_conv.weight:F32:8x4x1x1 _fc.bias:F32:10
// RUN: effnet-opt %t/ep.mlir -verify-diagnostics --effnet-bind-weights="file=%t/ep.safetensors" | FileCheck %s --check-prefix=EP
// RUN: %python %S/../oracle/safetensors_file.py %t/nofit.safetensors features.0.0.weight:F32:4 model.fc.weight:F32:4 zzz:F32:4
// RUN: effnet-opt %t/nofit.mlir -verify-diagnostics --effnet-bind-weights="file=%t/nofit.safetensors"
// RUN: %python %S/../oracle/safetensors_file.py %t/mixed.safetensors blocks.0.0.conv_dw.weight:F32:4 features.0.0.weight:F32:4
// RUN: effnet-opt %t/mixed.mlir -verify-diagnostics --effnet-bind-weights="file=%t/mixed.safetensors"
// RUN: effnet-opt %t/fused.mlir -verify-diagnostics --effnet-bind-weights="file=%t/ep.safetensors naming=efficientnet-pytorch"

// Values are 0, 1, 2, ... in each tensor: the first four of each weight.
// TIMM: stem.conv.weight: "0x04000000000000000000803F0000004000004040
// TIMM: blocks.0.0.dw.conv.weight: "0x04000000000000000000803F0000004000004040
// TIMM: blocks.0.0.project.conv.weight: "0x04000000000000000000803F0000004000004040
// TIMM: head.classifier.bias: "0x04000000000000000000803F0000004000004040
// EP: stem.conv.weight: "0x04
// EP: blocks.0.0.dw.conv.weight: "0x04
// EP: blocks.1.0.expand.conv.weight: "0x04
// EP: head.classifier.bias: "0x04

//--- timm.mlir
// timm: stage 0's block has no expansion, so it is a DepthwiseSeparableConv
// whose projection is conv_pw.
// expected-remark-re@+1 {{effnet-bind-weights: naming 'timm' detected from the tensor names in {{.*}}timm.safetensors{{$}}}}
module {
  func.func @b() -> (tensor<4x3x3x3xf32>, tensor<4x1x3x3xf32>, tensor<8x4x1x1xf32>, tensor<10xf32>) {
    %0 = effnet.weight "stem.conv.weight" : tensor<4x3x3x3xf32>
    %1 = effnet.weight "blocks.0.0.dw.conv.weight" : tensor<4x1x3x3xf32>
    %2 = effnet.weight "blocks.0.0.project.conv.weight" : tensor<8x4x1x1xf32>
    %3 = effnet.weight "head.classifier.bias" : tensor<10xf32>
    return %0, %1, %2, %3 : tensor<4x3x3x3xf32>, tensor<4x1x3x3xf32>, tensor<8x4x1x1xf32>, tensor<10xf32>
  }
}

//--- ep.mlir
// EfficientNet-PyTorch numbers blocks across stages: blocks.1.0 is _blocks.1.
// expected-remark-re@+1 {{effnet-bind-weights: naming 'efficientnet-pytorch' detected from the tensor names in {{.*}}ep.safetensors{{$}}}}
module {
  func.func @b() -> (tensor<4x3x3x3xf32>, tensor<4x1x3x3xf32>, tensor<8x4x1x1xf32>, tensor<10xf32>) {
    %0 = effnet.weight "stem.conv.weight" : tensor<4x3x3x3xf32>
    %1 = effnet.weight "blocks.0.0.dw.conv.weight" : tensor<4x1x3x3xf32>
    %2 = effnet.weight "blocks.1.0.expand.conv.weight" : tensor<8x4x1x1xf32>
    %3 = effnet.weight "head.classifier.bias" : tensor<10xf32>
    %4 = effnet.weight "blocks.1.0.dw.conv.weight" {value = dense<0.0> : tensor<8x1x3x3xf32>} : tensor<8x1x3x3xf32>
    return %0, %1, %2, %3 : tensor<4x3x3x3xf32>, tensor<4x1x3x3xf32>, tensor<8x4x1x1xf32>, tensor<10xf32>
  }
}

//--- nofit.mlir
// A tensor no scheme names (the first, in the file's sorted order).
// expected-error-re@+1 {{effnet-bind-weights: {{.*}}nofit.safetensors: tensor 'model.fc.weight' fits no naming (known: 'torchvision', 'efficientnet-pytorch', 'timm' or 'canonical'); give 'naming'{{$}}}}
module {
  func.func @w() -> tensor<4xf32> {
    %0 = effnet.weight "stem.bn.weight" : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}

//--- mixed.mlir
// Tensors of two schemes: the first one that does not fit the others'.
// expected-error-re@+1 {{effnet-bind-weights: {{.*}}mixed.safetensors: tensor 'features.0.0.weight' fits no naming that the tensors before it fit ('timm' or 'canonical'); give 'naming'{{$}}}}
module {
  func.func @w() -> tensor<4xf32> {
    %0 = effnet.weight "stem.bn.weight" : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}

//--- fused.mlir
// EfficientNet-PyTorch has no Fused-MBConv (a block without a depthwise
// convolution): a V2 model cannot be named so, which is said once.
module {
  // expected-error@+1 {{effnet-bind-weights: efficientnet-pytorch names EfficientNet-B models only, and block 'blocks.0.0' is a Fused-MBConv block (EfficientNetV2): give another naming}}
  func.func @v2() -> tensor<8x4x3x3xf32> {
    %0 = effnet.weight "blocks.0.0.project.conv.weight" : tensor<8x4x3x3xf32>
    return %0 : tensor<8x4x3x3xf32>
  }
}
