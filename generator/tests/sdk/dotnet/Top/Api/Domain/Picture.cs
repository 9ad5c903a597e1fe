using System;
using System.Xml.Serialization;

namespace Top.Api.Domain
{
    /// <summary>
    /// Picture Data Structure.
    /// </summary>
    [Serializable]
    public class Picture : TopObject
    {
        /// <summary>
        /// 图片创建时间
        /// </summary>
        [XmlElement("created")]
        public string Created { get; set; }

        /// <summary>
        /// 图片ID
        /// </summary>
        [XmlElement("picture_id")]
        public long PictureId { get; set; }

        /// <summary>
        /// 返回的是绝对路径如：http://img07.taobaocdn.com/imgextra/i7/22670458/T2dD0kXb4cXXXXXXXX_!!22670458.jpg
        /// </summary>
        [XmlElement("picture_path")]
        public string PicturePath { get; set; }

        /// <summary>
        /// 图片大小,bite单位
        /// </summary>
        [XmlElement("sizes")]
        public long Sizes { get; set; }
    }
}
